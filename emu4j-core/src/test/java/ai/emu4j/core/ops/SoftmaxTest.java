package ai.emu4j.core.ops;

import ai.emu4j.core.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class SoftmaxTest {
    static List<Fixtures.Case> cases() {
        return Fixtures.load("softmax");
    }

    @Test
    void fixturesCoverEveryOp() {
        Fixtures.requireOps(cases(), "softmax", "log_softmax");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesTorch(Fixtures.Case c) {
        Fixtures.check(c, o -> switch (c.op()) {
            case "softmax" -> Softmax.softmax(o.get("x"), o.i("dim"));
            case "log_softmax" -> Softmax.logSoftmax(o.get("x"), o.i("dim"));
            default -> throw new AssertionError("no mapping for op " + c.op());
        });
    }

    /** The fused causal softmax equals the plain one over a copy with -inf written past each query's keys. */
    @Test
    void causalEqualsSoftmaxOfAMaskedCopy() {
        Random r = new Random(4);
        int t = 5, n = 7;
        float[] x = new float[2 * 3 * t * n];
        for (int i = 0; i < x.length; i++) x[i] = (float) (3 * r.nextGaussian());
        for (int offset : new int[] {-2, 0, 2, 9}) {
            float[] masked = x.clone();
            for (int row = 0; row < x.length / n; row++) {
                for (int j = 0; j < n; j++) if (j > row % t + offset) masked[row * n + j] = Float.NEGATIVE_INFINITY;
            }
            float[] want = Softmax.softmax(Tensor.of(masked, 2, 3, t, n), -1).toFloatArray();
            float[] got = Softmax.causal(Tensor.of(x, 2, 3, t, n), offset).toFloatArray();
            for (int row = 0; row < x.length / n; row++) {
                if (row % t + offset < 0) {
                    for (int j = 0; j < n; j++) assertEquals(0f, got[row * n + j], "a query that sees no key gives zeros");
                } else {
                    for (int j = 0; j < n; j++) assertEquals(want[row * n + j], got[row * n + j], 1e-6f, "offset " + offset + " row " + row + " key " + j);
                }
            }
        }
    }

    @Test
    void causalAgreesAcrossTheParallelSplit() {
        int t = 64, n = 96;
        float[] x = new float[8 * t * n];
        Random r = new Random(5);
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
        float[] once = Softmax.causal(Tensor.of(x, 8, t, n), n - t).toFloatArray();
        float[] again = Softmax.causal(Tensor.of(x, 8, t, n), n - t).toFloatArray();
        assertArrayEquals(once, again);
        float[] row = Softmax.causal(Tensor.of(java.util.Arrays.copyOfRange(x, 5 * t * n, 6 * t * n), 1, t, n), n - t).toFloatArray();
        assertArrayEquals(row, java.util.Arrays.copyOfRange(once, 5 * t * n, 6 * t * n), "each matrix is computed alone");
    }
}
