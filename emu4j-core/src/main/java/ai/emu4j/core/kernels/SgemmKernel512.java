package ai.emu4j.core.kernels;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** {@link SgemmKernel} at 512 bits: a 6 x 32 register tile. */
final class SgemmKernel512 extends SgemmKernel {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_512;
    private static final int L = 16;
    static final SgemmKernel512 INSTANCE = new SgemmKernel512();

    private SgemmKernel512() {
        super(L, 1024, 60, 2048);
    }

    @Override
    public VectorSpecies<Float> species() {
        return S;
    }

    @Override
    void microKernel(int kc, MemorySegment ap, long ai, MemorySegment bp, long bi, float[] tile) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S), c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S), c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S), c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        for (long p = 0; p < kc; p++) {
            long ak = (ai + p * MR) * Float.BYTES, bk = (bi + p * (2 * L)) * Float.BYTES;
            FloatVector b0 = FloatVector.fromMemorySegment(S, bp, bk, NATIVE);
            FloatVector b1 = FloatVector.fromMemorySegment(S, bp, bk + L * Float.BYTES, NATIVE);
            FloatVector a = FloatVector.broadcast(S, ap.get(F32, ak));
            c00 = a.fma(b0, c00);
            c01 = a.fma(b1, c01);
            a = FloatVector.broadcast(S, ap.get(F32, ak + 4));
            c10 = a.fma(b0, c10);
            c11 = a.fma(b1, c11);
            a = FloatVector.broadcast(S, ap.get(F32, ak + 8));
            c20 = a.fma(b0, c20);
            c21 = a.fma(b1, c21);
            a = FloatVector.broadcast(S, ap.get(F32, ak + 12));
            c30 = a.fma(b0, c30);
            c31 = a.fma(b1, c31);
            a = FloatVector.broadcast(S, ap.get(F32, ak + 16));
            c40 = a.fma(b0, c40);
            c41 = a.fma(b1, c41);
            a = FloatVector.broadcast(S, ap.get(F32, ak + 20));
            c50 = a.fma(b0, c50);
            c51 = a.fma(b1, c51);
        }
        c00.intoArray(tile, 0 * 2 * L);
        c01.intoArray(tile, 0 * 2 * L + L);
        c10.intoArray(tile, 1 * 2 * L);
        c11.intoArray(tile, 1 * 2 * L + L);
        c20.intoArray(tile, 2 * 2 * L);
        c21.intoArray(tile, 2 * 2 * L + L);
        c30.intoArray(tile, 3 * 2 * L);
        c31.intoArray(tile, 3 * 2 * L + L);
        c40.intoArray(tile, 4 * 2 * L);
        c41.intoArray(tile, 4 * 2 * L + L);
        c50.intoArray(tile, 5 * 2 * L);
        c51.intoArray(tile, 5 * 2 * L + L);
    }

    @Override
    void addTile(float[] tile, float[] c, int ci, int ldc) {
        for (int r = 0; r < MR; r++) {
            int row = ci + r * ldc;
            FloatVector.fromArray(S, c, row).add(FloatVector.fromArray(S, tile, r * 2 * L)).intoArray(c, row);
            FloatVector.fromArray(S, c, row + L).add(FloatVector.fromArray(S, tile, r * 2 * L + L)).intoArray(c, row + L);
        }
    }

    @Override
    void axpy4(int n, float a0, float a1, float a2, float a3, float[] b, int bi, int ldb, float[] c, int ci) {
        FloatVector v0 = FloatVector.broadcast(S, a0), v1 = FloatVector.broadcast(S, a1);
        FloatVector v2 = FloatVector.broadcast(S, a2), v3 = FloatVector.broadcast(S, a3);
        int j = 0;
        for (int bound = S.loopBound(n); j < bound; j += L) {
            FloatVector acc = FloatVector.fromArray(S, c, ci + j);
            acc = v0.fma(FloatVector.fromArray(S, b, bi + j), acc);
            acc = v1.fma(FloatVector.fromArray(S, b, bi + ldb + j), acc);
            acc = v2.fma(FloatVector.fromArray(S, b, bi + 2 * ldb + j), acc);
            acc = v3.fma(FloatVector.fromArray(S, b, bi + 3 * ldb + j), acc);
            acc.intoArray(c, ci + j);
        }
        for (; j < n; j++) {
            c[ci + j] += a0 * b[bi + j] + a1 * b[bi + ldb + j] + a2 * b[bi + 2 * ldb + j] + a3 * b[bi + 3 * ldb + j];
        }
    }

    @Override
    void axpy1(int n, float a0, float[] b, int bi, float[] c, int ci) {
        FloatVector v0 = FloatVector.broadcast(S, a0);
        int j = 0;
        for (int bound = S.loopBound(n); j < bound; j += L) {
            v0.fma(FloatVector.fromArray(S, b, bi + j), FloatVector.fromArray(S, c, ci + j)).intoArray(c, ci + j);
        }
        for (; j < n; j++) c[ci + j] += a0 * b[bi + j];
    }

    @Override
    float dot(int k, float[] x, int xi, float[] y, int yi) {
        FloatVector s0 = FloatVector.zero(S), s1 = FloatVector.zero(S), s2 = FloatVector.zero(S), s3 = FloatVector.zero(S);
        int p = 0;
        for (int bound = k - 4 * L; p <= bound; p += 4 * L) {
            s0 = FloatVector.fromArray(S, x, xi + p).fma(FloatVector.fromArray(S, y, yi + p), s0);
            s1 = FloatVector.fromArray(S, x, xi + p + L).fma(FloatVector.fromArray(S, y, yi + p + L), s1);
            s2 = FloatVector.fromArray(S, x, xi + p + 2 * L).fma(FloatVector.fromArray(S, y, yi + p + 2 * L), s2);
            s3 = FloatVector.fromArray(S, x, xi + p + 3 * L).fma(FloatVector.fromArray(S, y, yi + p + 3 * L), s3);
        }
        for (int bound = S.loopBound(k); p < bound; p += L) {
            s0 = FloatVector.fromArray(S, x, xi + p).fma(FloatVector.fromArray(S, y, yi + p), s0);
        }
        float sum = LaneSum.sum(s0.add(s1).add(s2.add(s3)));
        for (; p < k; p++) sum += x[xi + p] * y[yi + p];
        return sum;
    }
}
