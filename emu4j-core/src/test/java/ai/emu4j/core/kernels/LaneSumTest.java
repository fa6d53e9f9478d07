package ai.emu4j.core.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LaneSumTest {
    /** The documented order, written out in scalar code: halves lane-wise down to 4 lanes, then pairs. */
    private static float oracle(float[] lanes) {
        float[] x = lanes.clone();
        int n = x.length;
        while (n > 4) {
            n /= 2;
            for (int i = 0; i < n; i++) x[i] = x[i] + x[i + n];
        }
        return (x[0] + x[1]) + (x[2] + x[3]);
    }

    @Test
    void sumsInTheFixedOrderAtEveryWidth() {
        SplittableRandom r = new SplittableRandom(7);
        for (VectorSpecies<Float> s : new VectorSpecies[] {FloatVector.SPECIES_128, FloatVector.SPECIES_256, FloatVector.SPECIES_512}) {
            for (int trial = 0; trial < 2000; trial++) {
                float[] lanes = new float[s.length()];
                // Mixed magnitudes make the order visible in the last bits.
                for (int i = 0; i < lanes.length; i++) lanes[i] = (float) ((r.nextDouble() - 0.5) * Math.pow(10, r.nextInt(8)));
                float got = LaneSum.sum(FloatVector.fromArray(s, lanes, 0));
                assertEquals(Float.floatToIntBits(oracle(lanes)), Float.floatToIntBits(got), s + " trial " + trial);
            }
        }
    }
}
