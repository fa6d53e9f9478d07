package ai.emu4j.models.vq;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.emu4j.core.ops.ConvOps;
import ai.emu4j.core.tensor.Tensor;
import ai.emu4j.core.util.Rng;
import org.junit.jupiter.api.Test;

/** Row-banded convolution (the memory bound for full-size images) equals the one-call convolution. */
class Conv2dBandTest {
    @Test
    void bandsMatchOneCall() {
        Rng rng = new Rng(7);
        Tensor x = Tensor.randn(rng, 2, 5, 13, 11);
        int[][] cases = {{3, 1, 1}, {3, 2, 0}, {3, 2, 1}, {1, 1, 0}, {5, 1, 2}};   // kernel, stride, padding
        for (int[] c : cases) {
            Conv2d conv = new Conv2d(Tensor.randn(rng, 6, 5, c[0], c[0]), Tensor.randn(rng, 6), c[1], c[2]);
            float[] want = ConvOps.conv(x, conv.weight(), conv.bias(), new int[] {c[1], c[1]}, new int[] {c[2], c[2]}, new int[] {1, 1}, 1).toFloatArray();
            for (long budget : new long[] {1, 5L * c[0] * c[0] * 11 * 2, 1L << 30}) {
                Tensor got = conv.forward(x, budget);
                float[] g = got.toFloatArray();
                assertArrayEquals(new int[] {2, 6, (13 + 2 * c[2] - c[0]) / c[1] + 1, (11 + 2 * c[2] - c[0]) / c[1] + 1}, got.shape());
                for (int i = 0; i < want.length; i++) {
                    assertTrue(Math.abs(want[i] - g[i]) <= 1e-5f * (1 + Math.abs(want[i])), "k" + c[0] + " s" + c[1] + " p" + c[2] + " budget " + budget + " at " + i);
                }
            }
        }
    }
}
