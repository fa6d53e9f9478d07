package ai.emu4j.core.kernels;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Dot-product rows over IEEE half weights in a MemorySegment, converted to F32 inside the SIMD loop so the
 * weights are read once at 2 bytes each and never widened in memory. JDK 25's Vector API has no F16-to-F32
 * lane conversion, so the conversion is integer arithmetic: the exponent/mantissa bits shifted into float
 * position and multiplied by 2^112 (the bias difference; exact, and it also normalises subnormals), with
 * Inf/NaN patched by a blend. About eight cheap lane ops per vector; memory stays the bottleneck. The
 * conversion is written out inside the loop because as a helper method C2 refused to inline it (already
 * compiled too large) and the loop fell to a quarter of its speed.
 */
final class MatVecF16 {
    static final int BYTES = 2;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    /** Inf/NaN: the half exponent all ones, in the position it has after the shift into float bits. */
    private static final int INF_BITS = 0x7c00 << 13;
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(LE);
    private static final VectorSpecies<Float> F128 = FloatVector.SPECIES_128;
    private static final VectorSpecies<Short> H128 = ShortVector.SPECIES_64;
    private static final VectorSpecies<Integer> I128 = IntVector.SPECIES_128;
    private static final VectorSpecies<Float> F256 = FloatVector.SPECIES_256;
    private static final VectorSpecies<Short> H256 = ShortVector.SPECIES_128;
    private static final VectorSpecies<Integer> I256 = IntVector.SPECIES_256;
    private static final VectorSpecies<Float> F512 = FloatVector.SPECIES_512;
    private static final VectorSpecies<Short> H512 = ShortVector.SPECIES_256;
    private static final VectorSpecies<Integer> I512 = IntVector.SPECIES_512;

    private MatVecF16() {}

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
        for (int p = 0; p < count; p++) dst[p] = Float.float16ToFloat(w.get(I16, off + (long) p * 2));
    }

    private static float dotScalar(MemorySegment w, long off, float[] x, int xi, int k) {
        float sum = 0f;
        for (int p = 0; p < k; p++) sum += Float.float16ToFloat(w.get(I16, off + (long) p * 2)) * x[xi + p];
        return sum;
    }

    private static float dot128(MemorySegment w, long off, float[] x, int xi, int k) {
        FloatVector s0 = FloatVector.zero(F128), s1 = FloatVector.zero(F128);
        int p = 0;
        for (int bound = k - 2 * 4; p <= bound; p += 2 * 4) {
            IntVector h0 = ShortVector.fromMemorySegment(H128, w, off + (long) (p + 0) * 2, LE)
                    .convertShape(VectorOperators.S2I, I128, 0).reinterpretAsInts();
            IntVector mag0 = h0.and(0x7fff).lanewise(VectorOperators.LSHL, 13);
            IntVector f0 = mag0.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts()
                    .blend(mag0.or(0x7f800000), mag0.compare(VectorOperators.GE, INF_BITS))
                    .or(h0.and(0x8000).lanewise(VectorOperators.LSHL, 16));
            s0 = f0.reinterpretAsFloats().fma(FloatVector.fromArray(F128, x, xi + p + 0), s0);
            IntVector h1 = ShortVector.fromMemorySegment(H128, w, off + (long) (p + 4) * 2, LE)
                    .convertShape(VectorOperators.S2I, I128, 0).reinterpretAsInts();
            IntVector mag1 = h1.and(0x7fff).lanewise(VectorOperators.LSHL, 13);
            IntVector f1 = mag1.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts()
                    .blend(mag1.or(0x7f800000), mag1.compare(VectorOperators.GE, INF_BITS))
                    .or(h1.and(0x8000).lanewise(VectorOperators.LSHL, 16));
            s1 = f1.reinterpretAsFloats().fma(FloatVector.fromArray(F128, x, xi + p + 4), s1);
        }
        float sum = LaneSum.sum(s0.add(s1));
        for (; p < k; p++) sum += Float.float16ToFloat(w.get(I16, off + (long) p * 2)) * x[xi + p];
        return sum;
    }

    private static float dot256(MemorySegment w, long off, float[] x, int xi, int k) {
        FloatVector s0 = FloatVector.zero(F256), s1 = FloatVector.zero(F256);
        int p = 0;
        for (int bound = k - 2 * 8; p <= bound; p += 2 * 8) {
            IntVector h0 = ShortVector.fromMemorySegment(H256, w, off + (long) (p + 0) * 2, LE)
                    .convertShape(VectorOperators.S2I, I256, 0).reinterpretAsInts();
            IntVector mag0 = h0.and(0x7fff).lanewise(VectorOperators.LSHL, 13);
            IntVector f0 = mag0.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts()
                    .blend(mag0.or(0x7f800000), mag0.compare(VectorOperators.GE, INF_BITS))
                    .or(h0.and(0x8000).lanewise(VectorOperators.LSHL, 16));
            s0 = f0.reinterpretAsFloats().fma(FloatVector.fromArray(F256, x, xi + p + 0), s0);
            IntVector h1 = ShortVector.fromMemorySegment(H256, w, off + (long) (p + 8) * 2, LE)
                    .convertShape(VectorOperators.S2I, I256, 0).reinterpretAsInts();
            IntVector mag1 = h1.and(0x7fff).lanewise(VectorOperators.LSHL, 13);
            IntVector f1 = mag1.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts()
                    .blend(mag1.or(0x7f800000), mag1.compare(VectorOperators.GE, INF_BITS))
                    .or(h1.and(0x8000).lanewise(VectorOperators.LSHL, 16));
            s1 = f1.reinterpretAsFloats().fma(FloatVector.fromArray(F256, x, xi + p + 8), s1);
        }
        float sum = LaneSum.sum(s0.add(s1));
        for (; p < k; p++) sum += Float.float16ToFloat(w.get(I16, off + (long) p * 2)) * x[xi + p];
        return sum;
    }

    private static float dot512(MemorySegment w, long off, float[] x, int xi, int k) {
        FloatVector s0 = FloatVector.zero(F512), s1 = FloatVector.zero(F512);
        int p = 0;
        for (int bound = k - 2 * 16; p <= bound; p += 2 * 16) {
            IntVector h0 = ShortVector.fromMemorySegment(H512, w, off + (long) (p + 0) * 2, LE)
                    .convertShape(VectorOperators.S2I, I512, 0).reinterpretAsInts();
            IntVector mag0 = h0.and(0x7fff).lanewise(VectorOperators.LSHL, 13);
            IntVector f0 = mag0.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts()
                    .blend(mag0.or(0x7f800000), mag0.compare(VectorOperators.GE, INF_BITS))
                    .or(h0.and(0x8000).lanewise(VectorOperators.LSHL, 16));
            s0 = f0.reinterpretAsFloats().fma(FloatVector.fromArray(F512, x, xi + p + 0), s0);
            IntVector h1 = ShortVector.fromMemorySegment(H512, w, off + (long) (p + 16) * 2, LE)
                    .convertShape(VectorOperators.S2I, I512, 0).reinterpretAsInts();
            IntVector mag1 = h1.and(0x7fff).lanewise(VectorOperators.LSHL, 13);
            IntVector f1 = mag1.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts()
                    .blend(mag1.or(0x7f800000), mag1.compare(VectorOperators.GE, INF_BITS))
                    .or(h1.and(0x8000).lanewise(VectorOperators.LSHL, 16));
            s1 = f1.reinterpretAsFloats().fma(FloatVector.fromArray(F512, x, xi + p + 16), s1);
        }
        float sum = LaneSum.sum(s0.add(s1));
        for (; p < k; p++) sum += Float.float16ToFloat(w.get(I16, off + (long) p * 2)) * x[xi + p];
        return sum;
    }
}
