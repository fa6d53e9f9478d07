package ai.emu4j.core.ops;

import ai.emu4j.core.io.ModelWeights;
import ai.emu4j.core.io.SafeTensorsWriter;
import ai.emu4j.core.tensor.DType;
import ai.emu4j.core.tensor.Tensor;
import ai.emu4j.core.util.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * Weights mapped read-only from a file keep their F32 copy and Winograd transform between conv calls;
 * the result must be exactly what the same weights give from the heap, call after call, and nothing
 * that can change (heap tensors, tensors that train) is ever cached.
 */
class FrozenConvWeightsTest {
    @Test
    void mappedWeightsAreCachedAndGiveTheHeapResult(@TempDir Path dir) throws IOException {
        Rng rng = new Rng(4);
        float[][] cases = {Tensor.randn(rng, 32, 24, 3, 3).toFloatArray(), Tensor.randn(rng, 24, 24, 3, 3).toFloatArray()};
        Path file = dir.resolve("w.safetensors");
        new SafeTensorsWriter()
                .addFloats("f32", DType.F32, new long[] {32, 24, 3, 3}, cases[0])
                .addFloats("bf16", DType.BF16, new long[] {24, 24, 3, 3}, cases[1])
                .write(file);
        try (ModelWeights mw = ModelWeights.open(file)) {
            Tensor mapped32 = Tensor.fromSegment(mw.data("f32"), DType.F32, 32, 24, 3, 3);
            Tensor mapped16 = Tensor.fromSegment(mw.data("bf16"), DType.BF16, 24, 24, 3, 3);
            for (Tensor mapped : new Tensor[] {mapped32, mapped16}) {
                Tensor heap = mapped.to(DType.F32);
                for (int[] size : new int[][] {{2, 24, 16, 16}, {3, 24, 8, 8}, {1, 24, 5, 7}}) {
                    Tensor x = Tensor.randn(rng, size);
                    float[] want = ConvOps.conv2d(x, heap, null, 1, 1, 1, 1).toFloatArray();
                    assertArrayEquals(want, ConvOps.conv2d(x, mapped, null, 1, 1, 1, 1).toFloatArray(), "first call " + java.util.Arrays.toString(size));
                    assertArrayEquals(want, ConvOps.conv2d(x, mapped, null, 1, 1, 1, 1).toFloatArray(), "cached call " + java.util.Arrays.toString(size));
                }
                assertNotNull(FrozenConvWeights.of(mapped));
                assertSame(FrozenConvWeights.of(mapped), FrozenConvWeights.of(mapped), "one entry per tensor");
                assertNull(FrozenConvWeights.of(heap), "heap weights can change: never cached");
            }
        }
        Tensor training = Tensor.randn(rng, 8, 8, 3, 3).requiresGrad(true);
        assertNull(FrozenConvWeights.of(training));
    }
}
