package ai.emu4j.models.llama;

import ai.emu4j.core.autograd.GradMode;
import ai.emu4j.core.ops.KVCache;
import ai.emu4j.core.ops.Reduce;
import ai.emu4j.core.tensor.Tensor;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Checks the decoder against tools/fixtures/make_llama_fixtures.py (PyTorch, float64). */
class LlamaModelTest {
    private static final PyTorchFixture F = new PyTorchFixture("llama", "make_llama_fixtures.py");

    private static void assertClose(float[] want, float[] got, String what) {
        PyTorchFixture.assertClose(want, got, 1e-4, what);
    }

    @Test
    void logitsMatchPyTorchWithAndWithoutCache() throws Exception {
        JsonNode exp = F.expected();
        try (var loaded = LlamaLoader.load(F.path("model")); var ng = GradMode.noGrad()) {
            LlamaModel m = loaded.model();
            Tensor ids = PyTorchFixture.ids(exp.get("ids"));
            float[] want = PyTorchFixture.floats(exp.get("logits"));
            assertClose(want, m.logits(m.forward(ids, 0, null, 0f, null)).toFloatArray(), "full logits");

            int b = ids.shape()[0], t = ids.shape()[1], v = m.config().vocabSize();
            KVCache[] caches = m.newCaches(b, t);
            float[] stepwise = new float[b * t * v];
            for (int pos = 0; pos < t; pos++) {
                float[] step = m.logits(m.forward(ids.slice(1, pos, pos + 1), pos, caches, 0f, null)).toFloatArray();
                for (int r = 0; r < b; r++) System.arraycopy(step, r * v, stepwise, (r * t + pos) * v, v);
            }
            assertClose(want, stepwise, "KV-cache logits");
        }
    }

    @Test
    void greedyGenerationIsTokenIdenticalFor64Steps() throws Exception {
        JsonNode exp = F.expected();
        try (var loaded = LlamaLoader.load(F.path("model")); var ng = GradMode.noGrad()) {
            LlamaModel m = loaded.model();
            JsonNode p = exp.get("prompt");
            int[] prompt = new int[p.size()];
            for (int i = 0; i < prompt.length; i++) prompt[i] = p.get(i).asInt();
            KVCache[] caches = m.newCaches(1, prompt.length + 64);
            Tensor hidden = m.forward(Tensor.ofInts(prompt, 1, prompt.length), 0, caches, 0f, null);
            List<Integer> out = new ArrayList<>();
            int pos = prompt.length;
            for (int step = 0; step < 64; step++) {
                Tensor last = m.logits(hidden.select(1, hidden.shape()[1] - 1));   // (1, vocab)
                int next = Reduce.max(last, 1, false).indices()[0];
                out.add(next);
                hidden = m.forward(Tensor.ofInts(new int[] {next}, 1, 1), pos++, caches, 0f, null);
            }
            List<Integer> want = new ArrayList<>();
            exp.get("greedy").forEach(n -> want.add(n.asInt()));
            assertEquals(want, out);
        }
    }

    @Test
    void loaderNamesMissingAndMisShapedTensors(@TempDir Path dir) throws Exception {
        Files.copy(F.path("model/model.safetensors"), dir.resolve("model.safetensors"));
        String cfg = Files.readString(F.path("model/config.json")).replace("\"intermediate_size\": 48", "\"intermediate_size\": 40");
        Files.writeString(dir.resolve("config.json"), cfg);
        IOException e = assertThrows(IOException.class, () -> LlamaLoader.load(dir));
        assertTrue(e.getMessage().contains("mlp.gate_proj.weight") && e.getMessage().contains("[48, 32]"), e.getMessage());

        Files.writeString(dir.resolve("config.json"), Files.readString(F.path("model/config.json")).replace("\"num_hidden_layers\": 2", "\"num_hidden_layers\": 3"));
        e = assertThrows(IOException.class, () -> LlamaLoader.load(dir));
        assertTrue(e.getMessage().contains("missing tensor 'model.layers.2."), e.getMessage());

        Files.writeString(dir.resolve("config.json"), Files.readString(F.path("model/config.json")).replace("\"num_key_value_heads\": 2", "\"num_key_value_heads\": 3"));
        e = assertThrows(IOException.class, () -> LlamaLoader.load(dir));
        assertTrue(e.getMessage().contains("num_key_value_heads"), e.getMessage());
    }

    @Test
    void hfNestedNamesMapToPlainNames() {
        assertEquals("model.layers.0.mlp.up_proj.weight", LlamaLoader.canonicalName("model.text_model.layers.0.mlp.up_proj.weight"));
        assertEquals("model.norm.weight", LlamaLoader.canonicalName("text_model.model.norm.weight"));
        assertEquals("lm_head.weight", LlamaLoader.canonicalName("text_model.lm_head.weight"));
    }
}
