package ai.emu4j.models.llama;

import ai.emu4j.core.autograd.GradMode;
import ai.emu4j.core.ops.Reduce;
import ai.emu4j.core.tensor.Tensor;
import ai.emu4j.core.util.Rng;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The visual summary stem against tools/fixtures/make_visual_summary_fixtures.py (PyTorch, float64). */
class VisualSummaryTest {
    private static final PyTorchFixture F = new PyTorchFixture("llama_summary", "make_visual_summary_fixtures.py");

    private static List<SummarySite> sites(JsonNode arr) {
        List<SummarySite> out = new ArrayList<>();
        for (JsonNode s : arr) {
            int[] codes = new int[s.get("codes").size()];
            for (int i = 0; i < codes.length; i++) codes[i] = s.get("codes").get(i).asInt();
            out.add(new SummarySite(s.get("row").asInt(), s.get("position").asInt(), codes, s.get("height").asInt(), s.get("width").asInt()));
        }
        return out;
    }

    /** The fixture's weights as trainable heap tensors. */
    private static LlamaModel trainable(LlamaModel mapped) {
        Map<String, Tensor> copy = new LinkedHashMap<>();
        mapped.weights().named().forEach((n, t) -> copy.put(n, Tensor.of(t.toFloatArray(), t.shape()).requiresGrad(true)));
        return new LlamaModel(mapped.config(), LlamaWeights.fromNamed(mapped.config(), copy));
    }

    @Test
    void logitsWithSummariesMatchPyTorch() throws Exception {
        JsonNode exp = F.expected();
        try (var loaded = LlamaLoader.load(F.path("model")); var ng = GradMode.noGrad()) {
            LlamaModel m = loaded.model();
            assertTrue(m.config().visualSummary());
            Tensor out = m.logits(m.forward(PyTorchFixture.ids(exp.get("ids")), sites(exp.get("sites")), 0, null, 0f, null));
            PyTorchFixture.assertClose(PyTorchFixture.floats(exp.get("logits")), out.toFloatArray(), 1e-4, "logits");
        }
    }

    @Test
    void gradientsOfStemAndEmbeddingsMatchPyTorch() throws Exception {
        JsonNode exp = F.expected();
        try (var loaded = LlamaLoader.load(F.path("model"))) {
            LlamaModel m = trainable(loaded.model());
            Tensor logits = m.logits(m.forward(PyTorchFixture.ids(exp.get("ids")), sites(exp.get("sites")), 0, null, 0f, null));
            Tensor probe = Tensor.of(PyTorchFixture.floats(exp.get("probe")), logits.shape());
            Reduce.sum(logits.mul(probe)).backward();
            Map<String, Tensor> named = m.weights().named();
            exp.get("grads").fields().forEachRemaining(e ->
                    PyTorchFixture.assertClose(PyTorchFixture.floats(e.getValue()), named.get(e.getKey()).grad().toFloatArray(), 1e-4, "gradient of " + e.getKey()));
        }
    }

    @Test
    void finiteDifferencesAgreeWithTheStemGradient() throws Exception {
        JsonNode exp = F.expected();
        try (var loaded = LlamaLoader.load(F.path("model"))) {
            LlamaModel m = trainable(loaded.model());
            Tensor ids = PyTorchFixture.ids(exp.get("ids"));
            List<SummarySite> sites = sites(exp.get("sites"));
            Tensor probe = Tensor.of(PyTorchFixture.floats(exp.get("probe")), 2, 12, m.config().vocabSize());
            Reduce.sum(m.logits(m.forward(ids, sites, 0, null, 0f, null)).mul(probe)).backward();
            Tensor w = m.weights().summary().conv2Weight();
            float[] analytic = w.grad().toFloatArray();
            Rng rng = new Rng(5);
            for (int trial = 0; trial < 6; trial++) {
                int i = rng.nextInt(analytic.length);
                float h = 1e-2f, keep = w.dataF32()[i];
                double[] f = new double[2];
                for (int side = 0; side < 2; side++) {
                    w.dataF32()[i] = keep + (side == 0 ? h : -h);
                    try (var ng = GradMode.noGrad()) {
                        f[side] = Reduce.sum(m.logits(m.forward(ids, sites, 0, null, 0f, null)).mul(probe)).item();
                    }
                }
                w.dataF32()[i] = keep;
                double numeric = (f[0] - f[1]) / (2 * h);
                assertEquals(numeric, analytic[i], 2e-2 * Math.max(1, Math.abs(numeric)), "conv2 weight " + i);
            }
        }
    }

    @Test
    void aSummaryChangesItsPositionAndLaterOnesOnly() throws Exception {
        JsonNode exp = F.expected();
        try (var loaded = LlamaLoader.load(F.path("model")); var ng = GradMode.noGrad()) {
            LlamaModel m = loaded.model();
            Tensor ids = PyTorchFixture.ids(exp.get("ids"));
            SummarySite site = sites(exp.get("sites")).get(0);                                 // row 0, position 9
            float[] plain = m.forward(ids, List.of(), 0, null, 0f, null).toFloatArray();
            float[] with = m.forward(ids, List.of(site), 0, null, 0f, null).toFloatArray();
            int d = m.config().hiddenSize(), t = 12;
            for (int pos = 0; pos < t; pos++) {
                boolean same = java.util.Arrays.equals(java.util.Arrays.copyOfRange(plain, pos * d, (pos + 1) * d),
                        java.util.Arrays.copyOfRange(with, pos * d, (pos + 1) * d));
                assertEquals(pos < site.position(), same, "row 0 position " + pos);
            }
            assertTrue(java.util.Arrays.equals(java.util.Arrays.copyOfRange(plain, t * d, 2 * t * d), java.util.Arrays.copyOfRange(with, t * d, 2 * t * d)), "row 1 untouched");
        }
    }

    @Test
    void summaryNoiseIsDrawnOnlyWithAnRngAndScalesWithSigma() throws Exception {
        JsonNode exp = F.expected();
        try (var loaded = LlamaLoader.load(F.path("model")); var ng = GradMode.noGrad()) {
            LlamaModel m = loaded.model();
            Tensor ids = PyTorchFixture.ids(exp.get("ids"));
            SummarySite site = sites(exp.get("sites")).get(0);                                 // row 0, position 9
            List<SummarySite> one = List.of(site);
            float[] plain = m.forward(ids, one, 0, null, 0f, new Rng(1)).toFloatArray();
            LlamaModel noisy = m.withSummaryNoise(0.5f);
            assertArrayEquals(plain, noisy.forward(ids, one, 0, null, 0f, null).toFloatArray(), "no Rng (validation, inference): no noise");
            float[] a = noisy.forward(ids, one, 0, null, 0f, new Rng(1)).toFloatArray();
            assertArrayEquals(a, noisy.forward(ids, one, 0, null, 0f, new Rng(1)).toFloatArray(), "the same Rng state draws the same noise");
            assertFalse(java.util.Arrays.equals(a, noisy.forward(ids, one, 0, null, 0f, new Rng(2)).toFloatArray()), "another Rng state, other noise");
            int d = m.config().hiddenSize();
            assertArrayEquals(java.util.Arrays.copyOf(plain, site.position() * d), java.util.Arrays.copyOf(a, site.position() * d), "before the summary nothing moves");
            double big = maxDiff(plain, a), small = maxDiff(plain, m.withSummaryNoise(1e-4f).forward(ids, one, 0, null, 0f, new Rng(1)).toFloatArray());
            assertTrue(big > 1e-2 && small < big * 1e-2, "noise grows with sigma: " + small + " at 1e-4, " + big + " at 0.5");
            assertThrows(IllegalArgumentException.class, () -> m.withSummaryNoise(-0.1f));
        }
    }

    private static double maxDiff(float[] a, float[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
        return m;
    }

    @Test
    void theFinderRunsOnPlainForwardAndIsRequired() throws Exception {
        JsonNode exp = F.expected();
        try (var loaded = LlamaLoader.load(F.path("model")); var ng = GradMode.noGrad()) {
            LlamaModel m = loaded.model();
            Tensor ids = PyTorchFixture.ids(exp.get("ids"));
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> m.forward(ids, 0, null, 0f, null));
            assertTrue(e.getMessage().contains("withSummarySites"), e.getMessage());
            List<SummarySite> want = sites(exp.get("sites"));
            LlamaModel found = m.withSummarySites((row, rowIds) -> want.stream().filter(s -> s.row() == row).toList());
            assertEquals(want.size(), found.sites(ids).size());
            PyTorchFixture.assertClose(m.forward(ids, want, 0, null, 0f, null).toFloatArray(), found.forward(ids, 0, null, 0f, null).toFloatArray(), 0, "found = given");
        }
    }

    @Test
    void batchedSummariesKeepTheSitesOrderAcrossGridSizes() throws Exception {
        JsonNode exp = F.expected();
        try (var loaded = LlamaLoader.load(F.path("model")); var ng = GradMode.noGrad()) {
            LlamaModel m = loaded.model();
            List<SummarySite> given = sites(exp.get("sites"));                                // grids 2x3, 3x2, 1x4
            SummarySite again = new SummarySite(0, 1, given.get(1).codes(), 2, 3);             // 2x3 again: grouped before the 3x2
            List<SummarySite> mixed = List.of(given.get(0), given.get(1), again, given.get(2));
            float[] all = m.summaries(mixed).toFloatArray();
            int d = m.config().hiddenSize();
            for (int i = 0; i < mixed.size(); i++) {
                float[] one = m.summaries(List.of(mixed.get(i))).toFloatArray();
                PyTorchFixture.assertClose(one, java.util.Arrays.copyOfRange(all, i * d, (i + 1) * d), 1e-6, "site " + i);
            }
        }
    }

    @Test
    void badSitesAndMismatchedWeightsAreRefused() throws Exception {
        assertThrows(IllegalArgumentException.class, () -> new SummarySite(0, 0, new int[5], 2, 3));
        assertThrows(IllegalArgumentException.class, () -> new SummarySite(0, 0, new int[0], 0, 0));
        try (var loaded = LlamaLoader.load(F.path("model")); var ng = GradMode.noGrad()) {
            LlamaModel m = loaded.model();
            Tensor ids = Tensor.ofInts(new int[12], 1, 12);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> m.forward(ids, List.of(new SummarySite(0, 12, new int[] {1}, 1, 1)), 0, null, 0f, null));
            assertTrue(e.getMessage().contains("outside"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> new LlamaModel(m.config().withVisualSummary(false), m.weights()));
            LlamaConfig plain = LlamaConfig.small(97, 32, 2, 4, 2, 48, 128);
            assertThrows(IllegalArgumentException.class, () -> new LlamaModel(plain.withVisualSummary(true), LlamaWeights.init(plain, new Rng(1))));
        }
    }

    @Test
    void aFolderThatSaysVisualSummaryButLacksTheStemIsRefusedByName(@TempDir Path dir) throws Exception {
        Files.copy(F.path("model/config.json"), dir.resolve("config.json"));
        Files.copy(new PyTorchFixture("llama", "make_llama_fixtures.py").path("model/model.safetensors"), dir.resolve("model.safetensors"));
        IOException e = assertThrows(IOException.class, () -> LlamaLoader.load(dir).close());
        assertTrue(e.getMessage().contains("model.visual_summary.conv1"), e.getMessage());
    }

    @Test
    void freshStemStartsWithZeroBiases() {
        LlamaConfig c = LlamaConfig.small(20, 8, 1, 2, 1, 16, 32).withVisualSummary(true);
        LlamaWeights w = LlamaWeights.init(c, new Rng(2));
        for (float v : w.summary().conv1Bias().toFloatArray()) assertEquals(0f, v);
        assertNotEquals(0f, w.summary().conv1Weight().toFloatArray()[0]);
        assertEquals(List.of(8, 8, 3, 3), java.util.Arrays.stream(w.summary().conv2Weight().shape()).boxed().toList());
    }
}
