package ai.emu4j.core.kernels;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Dot-product rows over F32 weights in a MemorySegment (mapped file or heap array): y = W x for W stored
 * row-major (n, k). Two rows at a time, two accumulators each: four FMA chains in flight keep the loop at
 * the memory's read rate. One copy of the loop per width on purpose: a single method taking the species
 * as a parameter (called from three lambdas) was not compiled per species and read 5 GB/s instead of 89
 * on 2048->5632 (`bench gemm --no-peer`, session 4).
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
     * bits is 0 (scalar, row by row) or 128, 256, 512 (two rows per pass, see {@link RowPairs}).
     */
    static void rows(int bits, MemorySegment w, int k, float[] x, int xOff, int m, float[] y, int yOff, int n, int r0, int r1) {
        if (bits == 0) {
            for (int r = r0; r < r1; r++) {
                for (int i = 0; i < m; i++) y[yOff + i * n + r] = dotScalar(w, (long) r * k * BYTES, x, xOff + i * k, k);
            }
            return;
        }
        RowPairs.Kernel kernel = switch (bits) {
            case 128 -> MatVecF32::dot2x128;
            case 256 -> MatVecF32::dot2x256;
            case 512 -> MatVecF32::dot2x512;
            default -> throw new IllegalArgumentException("vector bits " + bits);
        };
        RowPairs.rows(kernel, (long) k * BYTES, w, k, x, xOff, m, y, yOff, n, r0, r1);
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

    private static void dot2x128(MemorySegment w, long a, long b, float[] x, int xi, int k, float[] y, int ya, int yb) {
        FloatVector a0 = FloatVector.zero(F128), a1 = FloatVector.zero(F128);
        FloatVector b0 = FloatVector.zero(F128), b1 = FloatVector.zero(F128);
        int p = 0;
        for (int bound = k - 2 * 4; p <= bound; p += 2 * 4) {
            FloatVector x0 = FloatVector.fromArray(F128, x, xi + p), x1 = FloatVector.fromArray(F128, x, xi + p + 4);
            a0 = FloatVector.fromMemorySegment(F128, w, a + (long) p * 4, LE).fma(x0, a0);
            b0 = FloatVector.fromMemorySegment(F128, w, b + (long) p * 4, LE).fma(x0, b0);
            a1 = FloatVector.fromMemorySegment(F128, w, a + (long) (p + 4) * 4, LE).fma(x1, a1);
            b1 = FloatVector.fromMemorySegment(F128, w, b + (long) (p + 4) * 4, LE).fma(x1, b1);
        }
        for (int bound = k - 4; p <= bound; p += 4) {
            FloatVector x0 = FloatVector.fromArray(F128, x, xi + p);
            a0 = FloatVector.fromMemorySegment(F128, w, a + (long) p * 4, LE).fma(x0, a0);
            b0 = FloatVector.fromMemorySegment(F128, w, b + (long) p * 4, LE).fma(x0, b0);
        }
        float sa = LaneSum.sum(a0.add(a1)), sb = LaneSum.sum(b0.add(b1));
        for (; p < k; p++) {
            float xv = x[xi + p];
            sa += w.get(F32, a + (long) p * 4) * xv;
            sb += w.get(F32, b + (long) p * 4) * xv;
        }
        y[ya] = sa;
        y[yb] = sb;
    }

    private static void dot2x256(MemorySegment w, long a, long b, float[] x, int xi, int k, float[] y, int ya, int yb) {
        FloatVector a0 = FloatVector.zero(F256), a1 = FloatVector.zero(F256);
        FloatVector b0 = FloatVector.zero(F256), b1 = FloatVector.zero(F256);
        int p = 0;
        for (int bound = k - 2 * 8; p <= bound; p += 2 * 8) {
            FloatVector x0 = FloatVector.fromArray(F256, x, xi + p), x1 = FloatVector.fromArray(F256, x, xi + p + 8);
            a0 = FloatVector.fromMemorySegment(F256, w, a + (long) p * 4, LE).fma(x0, a0);
            b0 = FloatVector.fromMemorySegment(F256, w, b + (long) p * 4, LE).fma(x0, b0);
            a1 = FloatVector.fromMemorySegment(F256, w, a + (long) (p + 8) * 4, LE).fma(x1, a1);
            b1 = FloatVector.fromMemorySegment(F256, w, b + (long) (p + 8) * 4, LE).fma(x1, b1);
        }
        for (int bound = k - 8; p <= bound; p += 8) {
            FloatVector x0 = FloatVector.fromArray(F256, x, xi + p);
            a0 = FloatVector.fromMemorySegment(F256, w, a + (long) p * 4, LE).fma(x0, a0);
            b0 = FloatVector.fromMemorySegment(F256, w, b + (long) p * 4, LE).fma(x0, b0);
        }
        float sa = LaneSum.sum(a0.add(a1)), sb = LaneSum.sum(b0.add(b1));
        for (; p < k; p++) {
            float xv = x[xi + p];
            sa += w.get(F32, a + (long) p * 4) * xv;
            sb += w.get(F32, b + (long) p * 4) * xv;
        }
        y[ya] = sa;
        y[yb] = sb;
    }

    private static void dot2x512(MemorySegment w, long a, long b, float[] x, int xi, int k, float[] y, int ya, int yb) {
        FloatVector a0 = FloatVector.zero(F512), a1 = FloatVector.zero(F512);
        FloatVector b0 = FloatVector.zero(F512), b1 = FloatVector.zero(F512);
        int p = 0;
        for (int bound = k - 2 * 16; p <= bound; p += 2 * 16) {
            FloatVector x0 = FloatVector.fromArray(F512, x, xi + p), x1 = FloatVector.fromArray(F512, x, xi + p + 16);
            a0 = FloatVector.fromMemorySegment(F512, w, a + (long) p * 4, LE).fma(x0, a0);
            b0 = FloatVector.fromMemorySegment(F512, w, b + (long) p * 4, LE).fma(x0, b0);
            a1 = FloatVector.fromMemorySegment(F512, w, a + (long) (p + 16) * 4, LE).fma(x1, a1);
            b1 = FloatVector.fromMemorySegment(F512, w, b + (long) (p + 16) * 4, LE).fma(x1, b1);
        }
        for (int bound = k - 16; p <= bound; p += 16) {
            FloatVector x0 = FloatVector.fromArray(F512, x, xi + p);
            a0 = FloatVector.fromMemorySegment(F512, w, a + (long) p * 4, LE).fma(x0, a0);
            b0 = FloatVector.fromMemorySegment(F512, w, b + (long) p * 4, LE).fma(x0, b0);
        }
        float sa = LaneSum.sum(a0.add(a1)), sb = LaneSum.sum(b0.add(b1));
        for (; p < k; p++) {
            float xv = x[xi + p];
            sa += w.get(F32, a + (long) p * 4) * xv;
            sb += w.get(F32, b + (long) p * 4) * xv;
        }
        y[ya] = sa;
        y[yb] = sb;
    }
}
