package ai.emu4j.core.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The SIMD width the kernels use, from {@code -Demu4j.vectorBits=0|128|256|512}; 0 selects the scalar
 * paths. The default is the preferred (widest) species. On the 2-core EPYC dev VM, documented as Zen 4
 * with double-pumped 512-bit FMAs, the 512-bit SGEMM kernel nevertheless measured about 1.5-2x the 256-bit one
 * (see BENCHMARKS.md), so SGEMM is not capped; pass 256 to compare.
 *
 * <p>The memory-bound matvec kernels are the exception: {@link #MATVEC_BITS} is at most 256 unless
 * {@code -Demu4j.matvecBits} says otherwise. On that VM, in alternating runs of {@code emu4j bench gemm},
 * 256-bit matvec read 15-50% more per second than 512-bit for F32, F16 and BF16 weights alike (F32
 * 2048->5632: 73-109 against 30-54 GB/s), while torch.mv, timed beside each, stayed at 67-76.
 */
public final class VectorWidth {
    public static final int BITS = resolve(Integer.getInteger("emu4j.vectorBits", -1));
    /** The float species for {@link #BITS}; the 128-bit species when BITS is 0 so callers never see null. */
    public static final VectorSpecies<Float> SPECIES = species(BITS == 0 ? 128 : BITS);
    /** The width of the matrix-vector kernels: {@code -Demu4j.matvecBits}, else min(BITS, 256). */
    public static final int MATVEC_BITS = resolveMatvec(Integer.getInteger("emu4j.matvecBits", -1));

    private VectorWidth() {}

    private static int resolve(int requested) {
        int preferred = FloatVector.SPECIES_PREFERRED.vectorBitSize();
        if (requested < 0) return preferred;
        if (requested == 0) return 0;
        if (requested != 128 && requested != 256 && requested != 512) {
            throw new IllegalArgumentException("emu4j.vectorBits must be 0, 128, 256 or 512, not " + requested);
        }
        return Math.min(requested, preferred);
    }

    private static int resolveMatvec(int requested) {
        if (requested < 0) return Math.min(BITS, 256);
        try {
            return resolve(requested);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("emu4j.matvecBits must be 0, 128, 256 or 512, not " + requested);
        }
    }

    /** The float species of the given width (128, 256 or 512). */
    public static VectorSpecies<Float> species(int bits) {
        return switch (bits) {
            case 128 -> FloatVector.SPECIES_128;
            case 256 -> FloatVector.SPECIES_256;
            case 512 -> FloatVector.SPECIES_512;
            default -> throw new IllegalArgumentException("no float species of " + bits + " bits");
        };
    }
}
