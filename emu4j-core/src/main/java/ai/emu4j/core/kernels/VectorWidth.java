package ai.emu4j.core.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The SIMD width the kernels use, from {@code -Demu4j.vectorBits=0|128|256|512}; 0 selects the scalar
 * paths. The default is the preferred (widest) species. On the 2-core EPYC dev VM, documented as Zen 4
 * with double-pumped 512-bit FMAs, the 512-bit SGEMM kernel nevertheless measured about 1.5-2x the 256-bit one
 * (see BENCHMARKS.md), so nothing is capped; pass 256 to compare.
 */
public final class VectorWidth {
    public static final int BITS = resolve(Integer.getInteger("emu4j.vectorBits", -1));
    /** The float species for {@link #BITS}; the 128-bit species when BITS is 0 so callers never see null. */
    public static final VectorSpecies<Float> SPECIES = species(BITS == 0 ? 128 : BITS);

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
