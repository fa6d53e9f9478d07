package ai.emu4j.core.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SgemmKernelTest {
    private static final int[] SIZES = {1, 2, 5, 7, 17, 33};

    @ParameterizedTest
    @ValueSource(ints = {128, 256, 512})
    void matchesScalarForOddShapesTransposesAndStrides(int bits) {
        SgemmKernel kernel = SgemmKernel.of(VectorWidth.species(bits));
        SplittableRandom rnd = new SplittableRandom(bits);
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                for (int m : SIZES) {
                    for (int n : SIZES) {
                        for (int k : new int[] {1, 7, 33}) {
                            check(kernel, rnd, ta, tb, m, n, k, 1f, 0f, 0, 0);
                        }
                    }
                }
                check(kernel, rnd, ta, tb, 129, 67, 300, 0.5f, 1f, 3, 5);
                check(kernel, rnd, ta, tb, 3, 257, 129, -1.5f, 0.25f, 1, 40);
                check(kernel, rnd, ta, tb, 100, 45, 261, 1f, -2f, 7, 1);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {128, 256, 512})
    void multithreadedShapesCrossBlockBoundaries(int bits) {
        SgemmKernel kernel = SgemmKernel.of(VectorWidth.species(bits));
        SplittableRandom rnd = new SplittableRandom(7);
        check(kernel, rnd, false, false, 250, 4100, 20, 1f, 0f, 0, 0);
        check(kernel, rnd, false, true, 14, 300, 520, 1f, 1f, 2, 3);
        check(kernel, rnd, true, false, 1, 700, 300, 2f, 0f, 0, 9);
        check(kernel, rnd, false, false, 4, 700, 300, 1f, 0.5f, 0, 0);
        check(kernel, rnd, true, false, 300, 3, 200, 1f, 0.5f, 1, 2);
        check(kernel, rnd, false, true, 70, 1, 90, -1f, 0f, 0, 0);
    }

    private static void check(SgemmKernel kernel, SplittableRandom rnd, boolean ta, boolean tb, int m, int n, int k,
                              float alpha, float beta, int off, int pad) {
        int lda = (ta ? m : k) + pad, ldb = (tb ? k : n) + pad, ldc = n + pad;
        float[] a = random(rnd, off + (ta ? k : m) * lda);
        float[] b = random(rnd, off + (tb ? n : k) * ldb);
        float[] c = random(rnd, off + m * ldc);
        if (beta == 0f) {
            for (int i = off; i < c.length; i++) c[i] = Float.NaN;
        }
        float[] expected = c.clone();
        Gemm.scalar(ta, tb, m, n, k, alpha, a, off, lda, b, off, ldb, beta, expected, off, ldc);
        kernel.sgemm(ta, tb, m, n, k, alpha, a, off, lda, b, off, ldb, beta, c, off, ldc);
        String what = "ta=" + ta + " tb=" + tb + " m=" + m + " n=" + n + " k=" + k;
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                int ci = off + i * ldc + j;
                float tol = 1e-6f * (1 + k) * (1 + Math.abs(alpha) + Math.abs(beta));
                assertEquals(expected[ci], c[ci], tol, what + " at " + i + "," + j);
            }
        }
        for (int i = 0; i < m; i++) {
            for (int j = n; j < ldc; j++) {
                int ci = off + i * ldc + j;
                if (ci < c.length) assertEquals(Float.floatToIntBits(expected[ci]), Float.floatToIntBits(c[ci]), "padding touched");
            }
        }
    }

    private static float[] random(SplittableRandom rnd, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (rnd.nextDouble() * 2 - 1);
        return x;
    }
}
