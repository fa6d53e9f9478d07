package ai.emu4j.models.emu3;

import ai.emu4j.core.io.SafeTensorsWriter;
import ai.emu4j.core.tensor.DType;
import ai.emu4j.core.util.Rng;
import ai.emu4j.models.llama.LlamaConfig;
import ai.emu4j.models.llama.LlamaWeights;
import ai.emu4j.models.tokenizer.BpeTrainer;
import ai.emu4j.models.vq.RandomVQ;
import ai.emu4j.models.vq.RgbImage;
import ai.emu4j.models.vq.VQConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Emu3BundleTest {
    private static final VQConfig VQ = new VQConfig(32, new int[] {1, 1}, 1, new int[] {}, 8, 4, 4, false, 3, 3, 4, 0.0);

    /** A model folder with an untrained LM, a small tokenizer and (optionally) the VQ in vision_tokenizer/. */
    private static Path folder(Path dir, String extraConfig, boolean withVq, int codebook) throws IOException {
        List<String> specials = new ArrayList<>(SpecialNames.EMU3.all());
        for (int c = 0; c < codebook; c++) specials.add(VisionTokens.visualTokenName(c));
        BpeTrainer t = new BpeTrainer(new BpeTrainer.Options(specials.size() + 256 + 4, specials, "qwen", 1));
        t.add("a red square");
        Files.createDirectories(dir);
        BpeTrainer.writeAtomically(dir.resolve("tokenizer.json"), BpeTrainer.toTokenizerJson(t.train(m -> {})));
        int vocab = specials.size() + 256 + 4;
        Files.writeString(dir.resolve("config.json"), "{" + extraConfig + "\"hidden_size\": 16, \"num_hidden_layers\": 1, \"num_attention_heads\": 2,"
                + " \"num_key_value_heads\": 1, \"intermediate_size\": 32, \"vocab_size\": " + vocab + ", \"max_position_embeddings\": 64,"
                + " \"rms_norm_eps\": 1e-5, \"rope_theta\": 1000000.0}");
        LlamaConfig c = LlamaConfig.read(dir.resolve("config.json"));
        SafeTensorsWriter w = new SafeTensorsWriter();
        LlamaWeights.init(c, new Rng(1)).named().forEach((n, x) -> w.addFloats(n, DType.F32, Arrays.stream(x.shape()).asLongStream().toArray(), x.dataF32()));
        w.write(dir.resolve("model.safetensors"));
        if (withVq) RandomVQ.write(VQ, dir.resolve(Emu3Bundle.VISION_SUBFOLDER), 2);
        return dir;
    }

    @Test
    void loadsTheSubfolderOrAnExplicitVqAndDefaultsTheArea(@TempDir Path dir) throws IOException {
        try (Emu3Bundle b = Emu3Bundle.load(folder(dir.resolve("m"), "", true, 8))) {
            assertEquals(518400, b.imageArea(), "Emu3-Gen's area when config.json has none");
            assertEquals(Decoding.GREEDY, b.decoding(), "greedy answers without generation_config.json");
            assertEquals(8, b.tokens().codebookSize());
            assertEquals(64, b.contextLength());
            Emu3Processor.GridSize g = b.gridFor("1:1");
            assertEquals(new Emu3Processor.GridSize(360, 360), g, "720 px at spatial factor 2");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.checkFits(60, 10));
            assertTrue(e.getMessage().contains("60") && e.getMessage().contains("64"), e.getMessage());
        }
        Path own = folder(dir.resolve("own"), "\"image_area\": 64, ", false, 8);
        Files.writeString(own.resolve(Decoding.FILE), "{\"num_beams\": 4, \"length_penalty\": 0.5, \"do_sample\": false}");
        try (Emu3Bundle b = Emu3Bundle.load(own, dir.resolve("m").resolve(Emu3Bundle.VISION_SUBFOLDER))) {
            assertEquals(64, b.imageArea());
            assertEquals(new Decoding(4, 0.5f), b.decoding());
            var encoded = b.encodeImage(new RgbImage(12, 5, new byte[12 * 5 * 3]));
            assertEquals(1, encoded.frames());
            RgbImage back = b.decodeImage(encoded.codes(), encoded.grid());
            assertEquals(encoded.grid().width() * 2, back.width());
        }
    }

    @Test
    void shardedWeightsLoadTheSame(@TempDir Path dir) throws IOException {
        Path m = folder(dir.resolve("m"), "", true, 8);
        LlamaConfig c = LlamaConfig.read(m.resolve("config.json"));
        Files.delete(m.resolve("model.safetensors"));
        SafeTensorsWriter a = new SafeTensorsWriter(), b = new SafeTensorsWriter();
        StringBuilder map = new StringBuilder();
        var named = LlamaWeights.init(c, new Rng(1)).named();
        int i = 0;
        for (var e : named.entrySet()) {
            String shard = i++ % 2 == 0 ? "model-00001-of-00002.safetensors" : "model-00002-of-00002.safetensors";
            (shard.contains("00001-") ? a : b).addFloats(e.getKey(), DType.F32, Arrays.stream(e.getValue().shape()).asLongStream().toArray(), e.getValue().dataF32());
            map.append(map.isEmpty() ? "" : ", ").append('"').append(e.getKey()).append("\": \"").append(shard).append('"');
        }
        a.write(m.resolve("model-00001-of-00002.safetensors"));
        b.write(m.resolve("model-00002-of-00002.safetensors"));
        Files.writeString(m.resolve("model.safetensors.index.json"), "{\"metadata\": {}, \"weight_map\": {" + map + "}}");
        try (Emu3Bundle bundle = Emu3Bundle.load(m)) {
            assertEquals(named.get("lm_head.weight").toFloatArray()[5], bundle.model().weights().lmHead().toFloatArray()[5]);
        }
    }

    @Test
    void refusesMissingOrMismatchedParts(@TempDir Path dir) throws IOException {
        Path noVq = folder(dir.resolve("novq"), "", false, 8);
        NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> Emu3Bundle.load(noVq));
        assertTrue(e.getFile().contains("--vq"), e.getFile());
        Path mismatch = folder(dir.resolve("mismatch"), "", false, 4);
        RandomVQ.write(VQ, mismatch.resolve(Emu3Bundle.VISION_SUBFOLDER), 2);
        assertTrue(assertThrows(IOException.class, () -> Emu3Bundle.load(mismatch)).getMessage().contains("codebook"));
        Path special = folder(dir.resolve("special"), "\"boi_token\": \"<|start of picture|>\", ", true, 8);
        assertTrue(assertThrows(IOException.class, () -> Emu3Bundle.load(special)).getMessage().contains("<|start of picture|>"));
        Path badArea = folder(dir.resolve("area"), "\"image_area\": -5, ", true, 8);
        assertTrue(assertThrows(IOException.class, () -> Emu3Bundle.load(badArea)).getMessage().contains("image_area"));
    }
}
