package ai.emu4j.train.lm;

import ai.emu4j.core.tensor.Tensor;
import ai.emu4j.core.util.Rng;
import ai.emu4j.models.llama.LlamaConfig;
import ai.emu4j.models.llama.LlamaModel;
import ai.emu4j.models.llama.LlamaWeights;
import ai.emu4j.models.tokenizer.TextTokenizer;
import ai.emu4j.models.tokenizer.TextTokenizers;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

class NameLossTest {
    private static JsonNode fixture() throws IOException {
        String path = "/fixtures/nameloss/names.json";
        try (InputStream in = NameLossTest.class.getResourceAsStream(path)) {
            if (in == null) fail("fixture " + path + " is missing: run /usr/bin/python3 tools/fixtures/make_name_loss_fixtures.py");
            return new ObjectMapper().readTree(in);
        }
    }

    private static float[] floats(JsonNode arr) {
        float[] out = new float[arr.size()];
        for (int i = 0; i < out.length; i++) out[i] = (float) arr.get(i).asDouble();
        return out;
    }

    /** A one-layer model whose final norm and output head are the given tensors. */
    private static LlamaModel model(int d, int v, Tensor norm, Tensor head) {
        LlamaConfig c = new LlamaConfig(d, 1, 1, 1, 8, v, 10000.0, null, 1e-5, false, 16, null, "silu", 0.0, false);
        LlamaWeights w = LlamaWeights.init(c, new Rng(1));
        return new LlamaModel(c, new LlamaWeights(w.embedTokens(), w.layers(), norm, head));
    }

    @Test
    void lossThroughTheOutputHeadAndItsGradientsMatchPyTorch() throws IOException {
        JsonNode f = fixture();
        int n = f.get("n").asInt(), d = f.get("d").asInt(), v = f.get("v").asInt();
        Tensor s = Tensor.of(floats(f.get("s")), n, d).requiresGrad(true);
        Tensor norm = Tensor.of(floats(f.get("norm")), d).requiresGrad(true);
        Tensor head = Tensor.of(floats(f.get("head")), v, d).requiresGrad(true);
        List<int[]> names = new ArrayList<>();
        for (JsonNode name : f.get("names")) {
            int[] ids = new int[name.size()];
            for (int i = 0; i < ids.length; i++) ids[i] = name.get(i).asInt();
            names.add(ids);
        }
        Tensor loss = NameLoss.loss(model(d, v, norm, head).readOut(s), names);
        loss.backward();
        assertEquals(f.get("loss").asDouble(), loss.item(), 1e-5);
        assertArrayEquals(floats(f.get("grad_s")), s.grad().toFloatArray(), 1e-5f);
        assertArrayEquals(floats(f.get("grad_norm")), norm.grad().toFloatArray(), 1e-5f);
        assertArrayEquals(floats(f.get("grad_head")), head.grad().toFloatArray(), 1e-5f);
    }

    @Test
    void gradientMatchesFiniteDifferences() {
        java.util.Random r = new java.util.Random(5);
        int n = 3, v = 5;
        float[] lv = new float[n * v];
        for (int i = 0; i < lv.length; i++) lv[i] = (float) r.nextGaussian();
        List<int[]> names = List.of(new int[] {1, 3}, new int[] {0}, new int[] {4, 4, 2});
        Tensor logits = Tensor.of(lv.clone(), n, v).requiresGrad(true);
        NameLoss.loss(logits, names).backward();
        float[] g = logits.grad().toFloatArray();
        float h = 1e-2f;
        for (int i = 0; i < lv.length; i++) {
            float[] plus = lv.clone(), minus = lv.clone();
            plus[i] += h;
            minus[i] -= h;
            double numeric = (NameLoss.loss(Tensor.of(plus, n, v), names).item() - NameLoss.loss(Tensor.of(minus, n, v), names).item()) / (2 * h);
            assertEquals(numeric, g[i], 2e-3, "d loss / d logits[" + i + "]");
        }
    }

    @Test
    void picturesAreTheTrainingStillsWithTheAttribute(@TempDir Path dir) throws IOException {
        TinySetup.Paths p = TinySetup.write(dir);
        TextTokenizer tok = TextTokenizers.load(p.tokenizer());
        List<Manifest.Entry> train = List.of(entry("a", false, "red circle"), entry("b", true, "red circle"), entry("c", false, null), entry("d", false, "blue square"));
        assertEquals(2, NameLoss.of(train, "name", tok, false).pictureCount(), "the clip and the picture without a name do not count");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NameLoss.of(train, "colour", tok, false));
        assertTrue(e.getMessage().contains("--summary-names colour"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new LmOptions.Names("name", 0f, 8));
        assertThrows(IllegalArgumentException.class, () -> new LmOptions.Names("name", 1f, 0));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new LmOptions.Summary(false, 0, false, false, new LmOptions.Names("name", 1f, 4)))
                .getMessage().contains("--visual-summary"));
    }

    @Test
    void rareTokensWeighMoreAndEachNameKeepsItsShare() {
        List<int[]> names = List.of(new int[] {1, 2}, new int[] {1, 3}, new int[] {1, 4, 4}, new int[] {1});
        List<float[]> w = NameLoss.rarity(names);
        // token 1 is in all four names: ln(4/4) = 0; tokens 2, 3 and 4 in one each: ln 4
        assertArrayEquals(new float[] {0f, 2f}, w.get(0), 1e-6f);
        assertArrayEquals(new float[] {0f, 1.5f, 1.5f}, w.get(2), 1e-6f);
        assertArrayEquals(new float[] {1f}, w.get(3), 1e-6f, "a name of common tokens only keeps weight 1");
        float[] logits = {0.3f, -1f, 2f, 0.5f, 0.1f, 1.2f, -0.4f, 0f, 0.9f, -2f};
        Tensor l = Tensor.of(logits, 2, 5);
        List<int[]> two = List.of(new int[] {1, 2}, new int[] {3});
        double plain = NameLoss.loss(l, two).item();
        double weighted = NameLoss.loss(l, two, List.of(new float[] {0f, 2f}, new float[] {1f})).item();
        double[] lp0 = logSoftmax(logits, 0), lp1 = logSoftmax(logits, 1);
        assertEquals(-(lp0[1] + lp0[2] + lp1[3]) / 3, plain, 1e-5);
        assertEquals(-(2 * lp0[2] + lp1[3]) / 3, weighted, 1e-5, "the common token drops out, the rare one counts twice");
    }

    private static double[] logSoftmax(float[] v, int row) {
        double max = Double.NEGATIVE_INFINITY, sum = 0;
        for (int j = 0; j < 5; j++) max = Math.max(max, v[row * 5 + j]);
        for (int j = 0; j < 5; j++) sum += Math.exp(v[row * 5 + j] - max);
        double[] out = new double[5];
        for (int j = 0; j < 5; j++) out[j] = v[row * 5 + j] - max - Math.log(sum);
        return out;
    }

    private static Manifest.Entry entry(String id, boolean video, String name) {
        return new Manifest.Entry(id, Path.of(id + ".png"), video, "c", "train", "shapes", name == null ? Map.of() : Map.of("name", name));
    }

    private static LmOptions withNames(LmOptions b, LmOptions.Names names, long steps, boolean resume) {
        return new LmOptions(b.data(), b.tokenizer(), b.vq(), b.output(), b.hidden(), b.layers(), b.heads(), b.kvHeads(), b.ffn(), b.context(), b.ropeTheta(),
                b.dropout(), b.imageArea(), b.batch(), b.accum(), steps, b.lr(), b.minLr(), b.warmup(), b.weightDecay(), b.beta1(), b.beta2(), b.eps(),
                b.clip(), b.visionWeight(), b.visionOnly(), b.captionDropout(), b.shortAnswers(), b.tasks(), b.question(), b.chatTemplate(), b.pack(), b.init(),
                b.sourceWeights(), b.views(), b.visualInit(), b.freezeVisualInput(), b.pairs(), new LmOptions.Summary(true, 0.5, false, false, names),
                b.checkpointEvery(), resume, b.seed());
    }

    @Test
    void trainerAddsTheNameLossLogsItLowersItAndResumesBitExact(@TempDir Path dir) throws IOException {
        TinySetup.Paths p = TinySetup.write(dir);
        PairLossTest.addPairAttribute(p.data());
        LmOptions.Names names = new LmOptions.Names("thing", 1f, 4);
        List<Double> nameLosses = new ArrayList<>();
        Path outA = dir.resolve("a/model"), outB = dir.resolve("b/model");
        new LmTrainer(withNames(TinySetup.options(p, outA, 24, false), names, 24, false)).run(r -> nameLosses.add(r.nameLoss()), null);
        assertEquals(24, nameLosses.size());
        for (double l : nameLosses) assertTrue(Double.isFinite(l) && l > 0, "name loss every step: " + nameLosses);
        double first = nameLosses.subList(0, 4).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        double last = nameLosses.subList(20, 24).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        assertTrue(last < 0.7 * first, "the summaries learn to say their names: " + nameLosses);
        List<String> csv = Files.readAllLines(outA.resolveSibling("model.log.csv"));
        assertEquals(LmTrainer.LOG_HEADER + ",name_loss", csv.get(0));
        assertEquals(nameLosses.get(23), Double.parseDouble(csv.get(24).substring(csv.get(24).lastIndexOf(',') + 1)));

        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        new LmTrainer(withNames(TinySetup.options(p, outB, 24, false), names, 24, false)).run(r -> stop.set(r.step() == 10), stop);
        new LmTrainer(withNames(TinySetup.options(p, outB, 24, true), names, 24, true)).run(r -> {}, null);
        assertArrayEquals(Files.readAllBytes(outA.resolve("model.safetensors")), Files.readAllBytes(outB.resolve("model.safetensors")),
                "resumed with the name loss, the weights equal the straight run's bit for bit");

        Path outC = dir.resolve("c/model");
        new LmTrainer(withNames(TinySetup.options(p, outC, 24, false), LmOptions.Names.OFF, 24, false)).run(r -> assertTrue(Double.isNaN(r.nameLoss())), null);
        assertTrue(!java.util.Arrays.equals(Files.readAllBytes(outA.resolve("model.safetensors")), Files.readAllBytes(outC.resolve("model.safetensors"))),
                "the name loss changes the weights");
    }
}
