package ai.emu4j.models.vq;

import static ai.emu4j.models.vq.VQFixtures.assertClose;
import static ai.emu4j.models.vq.VQFixtures.assertCodes;
import static ai.emu4j.models.vq.VQFixtures.expected;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.emu4j.core.io.SafeTensors;
import ai.emu4j.core.io.SafeTensorsFile;
import ai.emu4j.core.io.SafeTensorsWriter;
import ai.emu4j.core.io.TensorEntry;
import ai.emu4j.core.tensor.DType;
import ai.emu4j.core.tensor.Tensor;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Strict loading: every missing, extra and mis-shaped tensor is named; the transformers layout loads too. */
class VQLoadTest {
    /** One rewritten tensor: null drops it. */
    private record Rewrite(String name, DType dtype, long[] shape, MemorySegment data) {}

    /** Copies the fixture checkpoint into dir, passing each tensor through edit, then adds extras. */
    private static Path rewrite(Path dir, BiFunction<TensorEntry, MemorySegment, Rewrite> edit, Rewrite... extras) throws IOException {
        Files.createDirectories(dir);
        Files.copy(VQFixtures.path("model").resolve("config.json"), dir.resolve("config.json"));
        SafeTensorsWriter w = new SafeTensorsWriter();
        try (SafeTensorsFile f = SafeTensors.open(VQFixtures.path("model").resolve("model.safetensors"))) {
            for (TensorEntry e : f.entries()) {
                Rewrite r = edit.apply(e, f.data(e));
                if (r != null) w.add(r.name(), r.dtype(), r.shape(), copy(r.data()));
            }
            for (Rewrite r : extras) w.add(r.name(), r.dtype(), r.shape(), r.data());
            w.write(dir.resolve("model.safetensors"));
        }
        return dir;
    }

    private static MemorySegment copy(MemorySegment s) {
        return MemorySegment.ofArray(s.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
    }

    private static Rewrite same(TensorEntry e, MemorySegment d) {
        return new Rewrite(e.name(), e.dtype(), e.shape(), d);
    }

    @Test
    void missingExtraAndMisShapedAreAllNamed(@TempDir Path tmp) throws IOException {
        Path dir = rewrite(tmp.resolve("m"), (e, d) -> switch (e.name()) {
            case "decoder.conv_out.bias" -> null;
            case "encoder.conv_in.weight" -> new Rewrite(e.name(), DType.F16, new long[] {32, 3, 9}, d);
            default -> same(e, d);
        }, new Rewrite("encoder.extra.weight", DType.F32, new long[] {2, 2}, MemorySegment.ofArray(new byte[16])));
        var ex = assertThrows(VQLoadException.class, () -> Emu3VisionVQ.load(dir));
        String msg = ex.getMessage();
        assertEquals(3, ex.problems().size(), msg);
        assertTrue(msg.contains("missing tensor decoder.conv_out.bias (expected shape [3])"), msg);
        assertTrue(msg.contains("tensor encoder.conv_in.weight has shape [32, 3, 9] in the file, expected [32, 3, 3, 3]"), msg);
        assertTrue(msg.contains("unexpected tensor encoder.extra.weight [2, 2]"), msg);
    }

    @Test
    void nonFloatWeightIsAnError(@TempDir Path tmp) throws IOException {
        Path dir = rewrite(tmp.resolve("m"), (e, d) -> e.name().equals("quant_conv.conv.bias")
                ? new Rewrite(e.name(), DType.I32, e.shape(), MemorySegment.ofArray(new byte[16])) : same(e, d));
        var ex = assertThrows(VQLoadException.class, () -> Emu3VisionVQ.load(dir));
        assertTrue(ex.getMessage().contains("tensor quant_conv.conv.bias has dtype I32, expected F32, F16 or BF16"), ex.getMessage());
    }

    @Test
    void configErrorsAreClear(@TempDir Path tmp) throws IOException {
        Path dir = rewrite(tmp.resolve("m"), VQLoadTest::same);
        String cfg = Files.readString(dir.resolve("config.json"));
        Files.writeString(dir.resolve("config.json"), cfg.replace("\"attn_resolutions\": [\n    1,\n    3\n  ]", "\"attn_resolutions\": [16]"));
        var ex = assertThrows(IOException.class, () -> Emu3VisionVQ.load(dir));
        assertTrue(ex.getMessage().contains("attn_resolutions holds level indices 0..3 (not pixel sizes), got 16"), ex.getMessage());
        var bad = assertThrows(IllegalArgumentException.class,
                () -> new VQConfig(48, new int[] {1, 2}, 2, new int[] {}, 64, 4, 8, false, 3, 3, 3, 0.0));
        assertTrue(bad.getMessage().contains("ch * ch_mult = 48 is not a multiple of the 32 GroupNorm groups"), bad.getMessage());
        assertTrue(bad.getMessage().contains("embed_dim (4) must equal z_channels (8)"), bad.getMessage());
        assertTrue(bad.getMessage().contains("temporal_downsample_factor must be a power of two, got 3"), bad.getMessage());
        Files.writeString(dir.resolve("config.json"), cfg.replace("\"codebook_size\": 64,", ""));
        var missing = assertThrows(IOException.class, () -> Emu3VisionVQ.load(dir));
        assertTrue(missing.getMessage().contains("config field \"codebook_size\" is missing"), missing.getMessage());
    }

    private static final Pattern LEVEL = Pattern.compile("^(encoder\\.down|decoder\\.up)\\.");
    private static final Pattern ATTN_NORM = Pattern.compile("\\.attn\\.(\\d+)\\.norm\\.");
    private static final Pattern PROJ = Pattern.compile("\\.(attn\\.\\d+|attn_1)\\.(q|k|v|proj_out)\\.");

    /** The transformers Emu3VQVAE name of an original name (inverse of HfNames.toOriginal). */
    static String toHf(String n) {
        Matcher m = LEVEL.matcher(n);
        if (m.find()) n = m.group(1).startsWith("encoder") ? "encoder.down_block.down." + n.substring(m.end()) : "decoder.up_block.up." + n.substring(m.end());
        n = n.replace("encoder.mid.", "encoder.middle_block.").replace("decoder.mid.", "decoder.middle_block.");
        n = n.replace(".middle_block.attn_1.norm.", ".middle_block.attn_norm.");
        n = ATTN_NORM.matcher(n).replaceAll(".attn_norms.$1.");
        return PROJ.matcher(n).replaceAll(r -> "." + r.group(1) + "." + ("proj_out".equals(r.group(2)) ? "out" : r.group(2)) + "_proj.");
    }

    @Test
    void hfNamesConvertBothWays() {
        for (String n : Emu3VisionVQ.parameterShapes(VQConfig.published()).keySet()) assertEquals(n, HfNames.toOriginal(toHf(n)), toHf(n));
        assertEquals("decoder.up_block.up.3.attn_norms.2.conv_y.weight", toHf("decoder.up.3.attn.2.norm.conv_y.weight"));
        assertEquals("encoder.middle_block.attn_1.out_proj.weight", toHf("encoder.mid.attn_1.proj_out.weight"));
    }

    @Test
    void transformersLayoutUnderAPrefixLoadsAndMatches(@TempDir Path tmp) throws IOException {
        // As in a full Emu3-*-hf checkpoint: tokenizer under "model.vqmodel.", Linear [C, C] attention
        // projections, F32 weights (so the zero-copy path runs), language-model tensors to ignore.
        Path dir = rewrite(tmp.resolve("hf"), (e, d) -> {
            String hf = "model.vqmodel." + toHf(e.name());
            long[] shape = HfNames.isProjectionWeight(e.name()) ? Arrays.copyOf(e.shape(), 2) : e.shape();
            if (e.dtype() != DType.F16) return new Rewrite(hf, e.dtype(), shape, d);
            int[] s = Arrays.stream(e.shape()).mapToInt(Math::toIntExact).toArray();
            float[] f = Tensor.fromSegment(d, DType.F16, s).toFloatArray();
            return new Rewrite(hf, DType.F32, shape, MemorySegment.ofArray(Tensor.of(f, s).toBytes()));
        }, new Rewrite("model.text_model.embed_tokens.weight", DType.F32, new long[] {2, 2}, MemorySegment.ofArray(new byte[16])));
        String cfg = Files.readString(dir.resolve("config.json"));
        Files.writeString(dir.resolve("config.json"), "{\"model_type\": \"emu3\", \"vq_config\": " + cfg
                .replace("\"ch\"", "\"base_channels\"").replace("\"ch_mult\"", "\"channel_multiplier\"")
                .replace("\"z_channels\"", "\"latent_channels\"").replace("\"double_z\"", "\"double_latent\"")
                .replace("\"Emu3VisionVQ\"", "\"emu3_vqgan\"") + "}");
        try (Emu3VisionVQ hf = Emu3VisionVQ.load(dir, "model.vqmodel.")) {
            assertCodes(expected("image_codes").reshape(1, 4, 6), hf.encode(expected("pixel_values")), "image codes via -hf names");
            assertClose(expected("image_decoded"), hf.decode(expected("image_codes")), "decoded image via -hf names");
        }
    }
}
