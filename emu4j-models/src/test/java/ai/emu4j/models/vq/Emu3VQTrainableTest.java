package ai.emu4j.models.vq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.emu4j.core.autograd.GradMode;
import ai.emu4j.core.tensor.Tensor;
import ai.emu4j.core.util.Rng;
import org.junit.jupiter.api.Test;

class Emu3VQTrainableTest {
    static final VQConfig TINY = new VQConfig(32, new int[] {1, 1, 1, 1}, 1, new int[] {3}, 64, 4, 4, false, 3, 3, 4, 0.0);

    @Test
    void exportsTheWholeEmu3LayoutAndTrainsAllButTheTemporalStacks() {
        Emu3VQTrainable m = new Emu3VQTrainable(TINY, new Rng(1));
        assertEquals(Emu3VisionVQ.parameterShapes(TINY).keySet(), m.exportState().keySet());
        var trainable = m.parameters().keySet();
        assertTrue(trainable.contains("decoder.norm_out.conv_y.weight") && trainable.contains("quantize.embedding.weight"));
        assertFalse(trainable.stream().anyMatch(n -> n.contains("time_conv") || n.contains("time_res_stack")));
        float[] book = m.exportState().get("quantize.embedding.weight").toFloatArray();
        for (int j = 0; j < 64; j++) {
            double s = 0;
            for (int d = 0; d < 4; d++) s += book[j * 4 + d] * book[j * 4 + d];
            assertEquals(1, s, 1e-5, "saved codebook rows are unit length");
        }
    }

    @Test
    void batchedImageCallsEqualPerImageCalls(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws java.io.IOException {
        new Emu3VQTrainable(TINY, new Rng(4)).saveFolder(dir.resolve("m"), 16);
        Tensor x = Tensor.uniform(new Rng(5), -1, 1, 3, 3, 16, 24);
        try (Emu3VisionVQ vq = Emu3VisionVQ.load(dir.resolve("m"))) {
            Tensor codes = vq.encodeImages(x);
            Tensor images = vq.decodeImages(codes);
            for (int i = 0; i < 3; i++) {
                Tensor one = vq.encode(x.select(0, i).contiguous());
                org.junit.jupiter.api.Assertions.assertArrayEquals(one.toIntArray(), codes.select(0, i).contiguous().toIntArray());
                float[] a = vq.decodeImage(one).toFloatArray(), b = images.select(0, i).contiguous().toFloatArray();
                for (int k = 0; k < a.length; k++) assertEquals(a[k], b[k], 1e-5, "image " + i + " value " + k);
            }
        }
    }

    @Test
    void differentiableSpatialNormMatchesTheFusedLoop() {
        Emu3VQTrainable m = new Emu3VQTrainable(TINY, new Rng(2));
        Tensor x = Tensor.uniform(new Rng(3), -1, 1, 2, 3, 16, 16);
        float[] withGrad = m.forward(x, true).recon().toFloatArray();
        float[] fused;
        try (var g = GradMode.noGrad()) {
            fused = m.forward(x, false).recon().toFloatArray();
        }
        for (int i = 0; i < fused.length; i++) assertEquals(fused[i], withGrad[i], 1e-5, "pixel " + i);
    }

    @Test
    void loadChecksNamesAndShapesAgainstTheConfigBeforeCopying(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws java.io.IOException {
        java.nio.file.Path folder = dir.resolve("m");
        Emu3VQTrainable saved = new Emu3VQTrainable(TINY, new Rng(6));
        saved.saveFolder(folder, 16);
        var state = Emu3VQTrainable.load(folder).exportState();
        org.junit.jupiter.api.Assertions.assertArrayEquals(saved.exportState().get("decoder.conv_in.weight").toFloatArray(),
                state.get("decoder.conv_in.weight").toFloatArray());

        String victim = "decoder.conv_in.weight";
        rewrite(folder, saved, victim, null, "bogus.weight");
        assertLoadFails(folder, "unexpected tensor bogus.weight");
        rewrite(folder, saved, null, victim, null);
        assertLoadFails(folder, "missing tensor " + victim);
        rewrite(folder, saved, victim, victim, null);
        assertLoadFails(folder, "tensor " + victim + " has shape [");
    }

    /** Writes saved's state again, leaving out drop, flattening reshape to one dimension, adding a one-float extra. */
    private static void rewrite(java.nio.file.Path folder, Emu3VQTrainable saved, String reshape, String drop, String extra) throws java.io.IOException {
        var w = new ai.emu4j.core.io.SafeTensorsWriter();
        for (var e : saved.exportState().entrySet()) {
            if (e.getKey().equals(drop) && !e.getKey().equals(reshape)) continue;
            Tensor t = e.getValue();
            long[] shape = e.getKey().equals(reshape) ? new long[] {t.numel()} : java.util.Arrays.stream(t.shape()).asLongStream().toArray();
            w.addFloats(e.getKey(), ai.emu4j.core.tensor.DType.F32, shape, t.toFloatArray());
        }
        if (extra != null) w.addFloats(extra, ai.emu4j.core.tensor.DType.F32, new long[] {1}, new float[] {0});
        w.write(folder.resolve("model.safetensors"));
    }

    private static void assertLoadFails(java.nio.file.Path folder, String message) {
        java.io.IOException e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class, () -> Emu3VQTrainable.load(folder));
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }
}
