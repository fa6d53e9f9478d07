package ai.emu4j.core.kernels;

import ai.emu4j.core.util.Rng;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The SIMD softmax rows against a double-precision softmax, at every run length across the vector width. */
class SoftmaxRowsTest {
    private static double[] reference(float[] x, int base, int n) {
        double max = Double.NEGATIVE_INFINITY, sum = 0;
        for (int k = 0; k < n; k++) max = Math.max(max, x[base + k]);
        double[] p = new double[n];
        for (int k = 0; k < n; k++) sum += p[k] = Math.exp(x[base + k] - max);
        for (int k = 0; k < n; k++) p[k] /= sum;
        return p;
    }

    @Test
    void matchesDoublePrecisionAtEveryLengthAndOffset() {
        Rng rng = new Rng(4);
        float[] x = new float[3000];
        for (int i = 0; i < x.length; i++) x[i] = 6 * rng.nextGaussian();
        for (int n : new int[] {1, 2, 3, 7, 15, 16, 17, 31, 33, 100, 768, 2500}) {
            for (int base : new int[] {0, 1, 5}) {
                float[] out = new float[x.length];
                SoftmaxRows.softmax(x, out, base, n);
                double[] want = reference(x, base, n);
                double lse = Math.log(java.util.stream.IntStream.range(0, n).mapToDouble(k -> Math.exp(x[base + k])).sum());
                for (int k = 0; k < n; k++) assertEquals(want[k], out[base + k], 2e-6 * want[k] + 1e-12, "n " + n + " base " + base + " k " + k);
                assertEquals(0f, base > 0 ? out[base - 1] : 0f, "nothing written before the run");
                assertEquals(0f, out[base + n], "nothing written after the run");
                assertEquals(lse, SoftmaxRows.logSumExp(x, base, n), 2e-6 * Math.max(1, Math.abs(lse)), "log-sum-exp n " + n);
            }
        }
    }

    @Test
    void edgeCases() {
        float ninf = Float.NEGATIVE_INFINITY;
        float[] blind = new float[20], out = new float[20];
        java.util.Arrays.fill(blind, ninf);
        java.util.Arrays.fill(out, 5f);
        SoftmaxRows.softmax(blind, out, 0, 20);
        for (float v : out) assertEquals(0f, v, "nothing visible: zeros");
        assertEquals(ninf, SoftmaxRows.logSumExp(blind, 0, 20));
        float[] some = new float[20];
        java.util.Arrays.fill(some, ninf);
        some[3] = 1000f;
        some[18] = 1000f;
        SoftmaxRows.softmax(some, out, 0, 20);
        assertEquals(0.5f, out[3]);
        assertEquals(0.5f, out[18]);
        assertEquals(0f, out[0], "-inf entries get 0, large ones do not overflow");
        some[7] = Float.NaN;
        SoftmaxRows.softmax(some, out, 0, 20);
        assertTrue(Float.isNaN(out[3]), "a NaN poisons the row, as in torch");
        SoftmaxRows.softmax(some, out, 0, 0);
    }
}
