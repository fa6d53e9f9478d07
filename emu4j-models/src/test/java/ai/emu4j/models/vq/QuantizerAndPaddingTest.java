package ai.emu4j.models.vq;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.emu4j.core.io.ModelWeights;
import ai.emu4j.core.io.SafeTensorsWriter;
import ai.emu4j.core.tensor.DType;
import ai.emu4j.core.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The quantizer's argmin rule and the causal conv padding rule, by hand. */
class QuantizerAndPaddingTest {
    @Test
    void nearestCodeWithTiesToTheLowestIndex(@TempDir Path dir) throws IOException {
        // Rows 1 and 2 are equal, so every cell nearest to them is a tie; (0.5, 0.5) ties rows 1, 2 and 3.
        float[] book = {5, 5, 1, 0, 1, 0, 0, 1};
        Path file = dir.resolve("q.safetensors");
        new SafeTensorsWriter().addFloats("quantize.embedding.weight", DType.F32, new long[] {4, 2}, book).write(file);
        VQConfig c = new VQConfig(32, new int[] {1}, 1, new int[] {}, 4, 2, 2, false, 3, 3, 1, 0.0);
        try (ModelWeights w = ModelWeights.open(file)) {
            Quantizer q = new Quantizer(Params.from(w, ""), c);
            // z cells (channel-major [1, 2, 1, 1, 5]): (1,0) -> rows 1 and 2 tie -> 1; (0,1) -> 3;
            // (0.5,0.5) -> rows 1, 2, 3 tie -> 1; (4,6) -> 0; NaN -> first NaN distance, row 0.
            float[] z = {1, 0, 0.5f, 4, Float.NaN, 0, 1, 0.5f, 6, 0};
            assertArrayEquals(new int[] {1, 3, 1, 0, 0}, q.codes(Tensor.of(z, 1, 2, 1, 1, 5)));
            assertArrayEquals(new float[] {1, 0, 5, 0, 1, 5}, q.lookup(new int[] {2, 3, 0}, 1, 1, 3).toFloatArray());
        }
    }

    @Test
    void causalPaddingIsTwoFramesInFrontAndLeftHeavySpatially() {
        Params p = Params.shapesOnly();
        // F.pad order (w_left, w_right, h_top, h_bottom, t_front, t_back)
        assertArrayEquals(new int[] {1, 1, 1, 1, 2, 0}, CausalConv3d.load(p, "a", 4, 4, new int[] {4, 3, 3}, new int[] {2, 1, 1}).pads());
        assertArrayEquals(new int[] {0, 0, 0, 0, 2, 0}, CausalConv3d.load(p, "b", 4, 4, new int[] {3, 1, 1}, new int[] {1, 1, 1}).pads());
        assertArrayEquals(new int[] {2, 1, 1, 0, 2, 0}, CausalConv3d.load(p, "c", 4, 4, new int[] {1, 2, 4}, new int[] {1, 1, 1}).pads());
        assertArrayEquals(new int[] {1, 0, 0, 0, 2, 0}, CausalConv3d.load(p, "d", 4, 4, new int[] {5, 3, 3}, new int[] {1, 3, 2}).pads());
    }
}
