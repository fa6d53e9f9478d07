package ai.emu4j.core.kernels;

/**
 * Single-precision GEMM on row-major heap arrays: C = alpha * op(A) * op(B) + beta * C, where op(X) is
 * X or its transpose. op(A) is M x K, op(B) is K x N, C is M x N. lda/ldb/ldc are row strides of the
 * arrays as stored (so a transposed A stored K x M has lda >= M).
 *
 * This is the entry point every op uses. It runs {@link SgemmKernel} (packed, blocked, multithreaded on
 * {@link Parallel}) at the width of {@link VectorWidth}; {@link #scalar} is the naive oracle the fast kernel
 * is tested against, and what runs with {@code -Demu4j.vectorBits=0}. beta == 0 means C is not read (NaN
 * in C does not propagate), as in BLAS.
 */
public final class Gemm {
    /** The packed kernel every call goes to, or null when {@code emu4j.vectorBits=0} asks for the scalar path. */
    private static final SgemmKernel KERNEL = VectorWidth.BITS == 0 ? null : SgemmKernel.of(VectorWidth.SPECIES);

    private Gemm() {}

    public static void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                             float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                             float beta, float[] c, int cOff, int ldc) {
        if (KERNEL == null) {
            scalar(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        } else {
            KERNEL.sgemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        }
    }

    /** Naive triple loop with a double accumulator: the reference the optimised kernels are checked against. */
    public static void scalar(boolean transA, boolean transB, int m, int n, int k, float alpha,
                              float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                              float beta, float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double acc = 0;
                for (int p = 0; p < k; p++) {
                    float av = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                    float bv = transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
                    acc += (double) av * bv;
                }
                int ci = cOff + i * ldc + j;
                c[ci] = (float) (alpha * acc + (beta == 0f ? 0f : beta * c[ci]));
            }
        }
    }
}
