package ai.emu4j.core.kernels;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Dot-product rows over F32 weights in a MemorySegment (mapped file or heap array): y = W x for W stored
 * row-major (n, k). Four accumulators hide the FMA latency so the loop runs at the memory's read rate.
 */
final class MatVecF32 {
    static final int BYTES = 4;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(LE);
    private static final VectorSpecies<Float> F128 = FloatVector.SPECIES_128;
    private static final VectorSpecies<Float> F256 = FloatVector.SPECIES_256;
    private static final VectorSpecies<Float> F512 = FloatVector.SPECIES_512;

    private MatVecF32() {}

    /**
     * For weight rows [r0, r1) and every x row i &lt; m: y[yOff + i*n + r] = dot(W[r], x[xOff + i*k ...]).
     * All m activation rows are done while a weight row is in L1, so W streams from memory once.
     * bits is 0 (scalar), 128, 256 or 512.
     */
    static void rows(int bits, MemorySegment w, int k, float[] x, int xOff, int m, float[] y, int yOff, int n, int r0, int r1) {
        for (int r = r0; r < r1; r++) {
            long off = (long) r * k * BYTES;
            for (int i = 0; i < m; i++) {
                int xi = xOff + i * k;
                y[yOff + i * n + r] = switch (bits) {
                    case 0 -> dotScalar(w, off, x, xi, k);
                    case 128 -> dot128(w, off, x, xi, k);
                    case 256 -> dot256(w, off, x, xi, k);
                    case 512 -> dot512(w, off, x, xi, k);
                    default -> throw new IllegalArgumentException("vector bits " + bits);
                };
            }
        }
    }

    /** Weight rows [r0, r1) as F32, row-major into dst from index 0: the panel the GEMM path multiplies. */
    static void dequantize(MemorySegment w, int k, int r0, int r1, float[] dst) {
        long off = (long) r0 * k * BYTES;
        int count = (r1 - r0) * k;
        MemorySegment.copy(w, F32, off, dst, 0, count);
    }

    private static float dotScalar(MemorySegment w, long off, float[] x, int xi, int k) {
        float sum = 0f;
        for (int p = 0; p < k; p++) sum += w.get(F32, off + (long) p * 4) * x[xi + p];
        return sum;
    }

    private static float dot128(MemorySegment w, long off, float[] x, int xi, int k) {
        FloatVector s0 = FloatVector.zero(F128), s1 = FloatVector.zero(F128);
        FloatVector s2 = FloatVector.zero(F128), s3 = FloatVector.zero(F128);
        int p = 0;
        for (int bound = k - 4 * 4; p <= bound; p += 4 * 4) {
            s0 = FloatVector.fromMemorySegment(F128, w, off + (long) (p + 0) * 4, LE).fma(FloatVector.fromArray(F128, x, xi + p), s0);
            s1 = FloatVector.fromMemorySegment(F128, w, off + (long) (p + 4) * 4, LE).fma(FloatVector.fromArray(F128, x, xi + p + 4), s1);
            s2 = FloatVector.fromMemorySegment(F128, w, off + (long) (p + 8) * 4, LE).fma(FloatVector.fromArray(F128, x, xi + p + 8), s2);
            s3 = FloatVector.fromMemorySegment(F128, w, off + (long) (p + 12) * 4, LE).fma(FloatVector.fromArray(F128, x, xi + p + 12), s3);
        }
        for (int bound = k - 4; p <= bound; p += 4) {
            s0 = FloatVector.fromMemorySegment(F128, w, off + (long) (p + 0) * 4, LE).fma(FloatVector.fromArray(F128, x, xi + p), s0);
        }
        float sum = LaneSum.sum(s0.add(s1).add(s2.add(s3)));
        for (; p < k; p++) sum += w.get(F32, off + (long) p * 4) * x[xi + p];
        return sum;
    }

    private static float dot256(MemorySegment w, long off, float[] x, int xi, int k) {
        FloatVector s0 = FloatVector.zero(F256), s1 = FloatVector.zero(F256);
        FloatVector s2 = FloatVector.zero(F256), s3 = FloatVector.zero(F256);
        int p = 0;
        for (int bound = k - 4 * 8; p <= bound; p += 4 * 8) {
            s0 = FloatVector.fromMemorySegment(F256, w, off + (long) (p + 0) * 4, LE).fma(FloatVector.fromArray(F256, x, xi + p), s0);
            s1 = FloatVector.fromMemorySegment(F256, w, off + (long) (p + 8) * 4, LE).fma(FloatVector.fromArray(F256, x, xi + p + 8), s1);
            s2 = FloatVector.fromMemorySegment(F256, w, off + (long) (p + 16) * 4, LE).fma(FloatVector.fromArray(F256, x, xi + p + 16), s2);
            s3 = FloatVector.fromMemorySegment(F256, w, off + (long) (p + 24) * 4, LE).fma(FloatVector.fromArray(F256, x, xi + p + 24), s3);
        }
        for (int bound = k - 8; p <= bound; p += 8) {
            s0 = FloatVector.fromMemorySegment(F256, w, off + (long) (p + 0) * 4, LE).fma(FloatVector.fromArray(F256, x, xi + p), s0);
        }
        float sum = LaneSum.sum(s0.add(s1).add(s2.add(s3)));
        for (; p < k; p++) sum += w.get(F32, off + (long) p * 4) * x[xi + p];
        return sum;
    }

    private static float dot512(MemorySegment w, long off, float[] x, int xi, int k) {
        FloatVector s0 = FloatVector.zero(F512), s1 = FloatVector.zero(F512);
        FloatVector s2 = FloatVector.zero(F512), s3 = FloatVector.zero(F512);
        int p = 0;
        for (int bound = k - 4 * 16; p <= bound; p += 4 * 16) {
            s0 = FloatVector.fromMemorySegment(F512, w, off + (long) (p + 0) * 4, LE).fma(FloatVector.fromArray(F512, x, xi + p), s0);
            s1 = FloatVector.fromMemorySegment(F512, w, off + (long) (p + 16) * 4, LE).fma(FloatVector.fromArray(F512, x, xi + p + 16), s1);
            s2 = FloatVector.fromMemorySegment(F512, w, off + (long) (p + 32) * 4, LE).fma(FloatVector.fromArray(F512, x, xi + p + 32), s2);
            s3 = FloatVector.fromMemorySegment(F512, w, off + (long) (p + 48) * 4, LE).fma(FloatVector.fromArray(F512, x, xi + p + 48), s3);
        }
        for (int bound = k - 16; p <= bound; p += 16) {
            s0 = FloatVector.fromMemorySegment(F512, w, off + (long) (p + 0) * 4, LE).fma(FloatVector.fromArray(F512, x, xi + p), s0);
        }
        float sum = LaneSum.sum(s0.add(s1).add(s2.add(s3)));
        for (; p < k; p++) sum += w.get(F32, off + (long) p * 4) * x[xi + p];
        return sum;
    }
}
