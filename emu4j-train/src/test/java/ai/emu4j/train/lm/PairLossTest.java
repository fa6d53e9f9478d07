package ai.emu4j.train.lm;

import ai.emu4j.core.tensor.Tensor;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
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

class PairLossTest {
    private static JsonNode fixture() throws IOException {
        String path = "/fixtures/pairloss/contrastive.json";
        try (InputStream in = PairLossTest.class.getResourceAsStream(path)) {
            if (in == null) fail("fixture " + path + " is missing: run /usr/bin/python3 tools/fixtures/make_pair_loss_fixtures.py");
            return new ObjectMapper().readTree(in);
        }
    }

    private static float[] floats(JsonNode arr) {
        float[] out = new float[arr.size()];
        for (int i = 0; i < out.length; i++) out[i] = (float) arr.get(i).asDouble();
        return out;
    }

    @Test
    void contrastiveLossAndGradientsMatchPyTorch() throws IOException {
        JsonNode f = fixture();
        int n = f.get("n").asInt(), d = f.get("d").asInt();
        Tensor a = Tensor.of(floats(f.get("a")), n, d).requiresGrad(true), b = Tensor.of(floats(f.get("b")), n, d).requiresGrad(true);
        Tensor loss = PairLoss.contrastive(a, b, (float) f.get("temperature").asDouble());
        loss.backward();
        assertEquals(f.get("loss").asDouble(), loss.item(), 1e-5);
        assertArrayEquals(floats(f.get("grad_a")), a.grad().toFloatArray(), 1e-5f);
        assertArrayEquals(floats(f.get("grad_b")), b.grad().toFloatArray(), 1e-5f);
    }

    @Test
    void gradientMatchesFiniteDifferences() {
        java.util.Random r = new java.util.Random(3);
        int n = 4, d = 5;
        float[] av = new float[n * d], bv = new float[n * d];
        for (int i = 0; i < av.length; i++) {
            av[i] = (float) r.nextGaussian();
            bv[i] = (float) r.nextGaussian();
        }
        Tensor a = Tensor.of(av.clone(), n, d).requiresGrad(true);
        PairLoss.contrastive(a, Tensor.of(bv, n, d), 0.5f).backward();
        float[] g = a.grad().toFloatArray();
        float h = 1e-2f;
        for (int i = 0; i < av.length; i++) {
            float[] plus = av.clone(), minus = av.clone();
            plus[i] += h;
            minus[i] -= h;
            double numeric = (PairLoss.contrastive(Tensor.of(plus, n, d), Tensor.of(bv, n, d), 0.5f).item()
                    - PairLoss.contrastive(Tensor.of(minus, n, d), Tensor.of(bv, n, d), 0.5f).item()) / (2 * h);
            assertEquals(numeric, g[i], 2e-3, "d loss / d a[" + i + "]");
        }
    }

    @Test
    void alignedPairsScoreLowerThanShuffledOnes() {
        float[] a = {1, 0, 0, 0, 1, 0, 0, 0, 1}, shuffled = {0, 1, 0, 0, 0, 1, 1, 0, 0};
        double aligned = PairLoss.contrastive(Tensor.of(a, 3, 3), Tensor.of(a.clone(), 3, 3), 0.1f).item();
        double wrong = PairLoss.contrastive(Tensor.of(a, 3, 3), Tensor.of(shuffled, 3, 3), 0.1f).item();
        assertTrue(aligned < 1e-3 && wrong > 5, aligned + " vs " + wrong);
    }

    private static Manifest.Entry entry(String id, boolean video, String name) {
        return new Manifest.Entry(id, Path.of(id + ".png"), video, "c", "train", "emoji", name == null ? Map.of() : Map.of("name", name));
    }

    @Test
    void groupsArePicturesSharingTheAttribute() {
        List<Manifest.Entry> train = List.of(entry("a1", false, "apple"), entry("a2", false, "apple"), entry("b1", false, "bee"),
                entry("b2", false, "bee"), entry("b3", true, "bee"), entry("c1", false, "cat"), entry("x", false, null));
        assertEquals(2, PairLoss.of(train, "name", 2).groupCount(), "apple and bee pair up; cat has one picture, the clip and x do not count");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PairLoss.of(train, "name", 3));
        assertTrue(e.getMessage().contains("--pair-by name") && e.getMessage().contains("2 groups"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> PairLoss.of(train, "colour", 2));
        assertThrows(IllegalArgumentException.class, () -> new LmOptions.Pairs("name", 0f, 8));
        assertThrows(IllegalArgumentException.class, () -> new LmOptions.Pairs("name", 0.5f, 1));
    }

    /** Gives the tiny setup's pictures an attribute that pairs them two by two. */
    static void addPairAttribute(Path data) throws IOException {
        Path manifest = data.resolve(Manifest.FILE);
        List<String> out = new ArrayList<>();
        int i = 0;
        for (String line : Files.readAllLines(manifest, StandardCharsets.UTF_8)) {
            if (line.isBlank()) continue;
            out.add(line.substring(0, line.lastIndexOf('}')) + ", \"attributes\": {\"thing\": \"t" + (i++ / 2) + "\", \"size\": 3}}");
        }
        Files.write(manifest, out, StandardCharsets.UTF_8);
    }

    private static LmOptions withPairs(LmOptions b, long steps, boolean resume) {
        return new LmOptions(b.data(), b.tokenizer(), b.vq(), b.output(), b.hidden(), b.layers(), b.heads(), b.kvHeads(), b.ffn(), b.context(), b.ropeTheta(),
                b.dropout(), b.imageArea(), b.batch(), b.accum(), steps, b.lr(), b.minLr(), b.warmup(), b.weightDecay(), b.beta1(), b.beta2(), b.eps(),
                b.clip(), b.visionWeight(), b.visionOnly(), b.captionDropout(), b.shortAnswers(), b.tasks(), b.question(), b.chatTemplate(), b.pack(), b.init(),
                b.sourceWeights(), b.views(), b.visualInit(), b.freezeVisualInput(), new LmOptions.Pairs("thing", 0.5f, 2), b.summary(), b.checkpointEvery(), resume, b.seed());
    }

    @Test
    void trainerAddsThePairLossLogsItAndResumesBitExact(@TempDir Path dir) throws IOException {
        TinySetup.Paths p = TinySetup.write(dir);
        addPairAttribute(p.data());
        assertEquals(Map.of("thing", "t0"), Manifest.read(p.data()).entries().get(0).attributes(), "string attributes kept, the number dropped");
        List<Double> pairLosses = new ArrayList<>();
        LmTrainer.Listener record = r -> pairLosses.add(r.pairLoss());
        Path outA = dir.resolve("a/model"), outB = dir.resolve("b/model");
        new LmTrainer(withPairs(TinySetup.options(p, outA, 6, false), 6, false)).run(record, null);
        assertEquals(6, pairLosses.size());
        for (double l : pairLosses) assertTrue(Double.isFinite(l) && l > 0, "pair loss every step: " + pairLosses);
        List<String> csv = Files.readAllLines(outA.resolveSibling("model.log.csv"));
        assertEquals(LmTrainer.LOG_HEADER + ",pair_loss", csv.get(0));
        assertEquals(pairLosses.get(5), Double.parseDouble(csv.get(6).substring(csv.get(6).lastIndexOf(',') + 1)));

        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        new LmTrainer(withPairs(TinySetup.options(p, outB, 6, false), 6, false)).run(r -> stop.set(r.step() == 3), stop);
        new LmTrainer(withPairs(TinySetup.options(p, outB, 6, true), 6, true)).run(r -> {}, null);
        assertArrayEquals(Files.readAllBytes(outA.resolve("model.safetensors")), Files.readAllBytes(outB.resolve("model.safetensors")),
                "resumed with the pair loss, the weights equal the straight run's bit for bit");

        LmOptions plain = TinySetup.options(p, dir.resolve("c/model"), 6, false);
        new LmTrainer(plain).run(r -> assertTrue(Double.isNaN(r.pairLoss())), null);
        assertTrue(!java.util.Arrays.equals(Files.readAllBytes(outA.resolve("model.safetensors")), Files.readAllBytes(dir.resolve("c/model/model.safetensors"))),
                "the pair loss changes the weights");
    }
}
