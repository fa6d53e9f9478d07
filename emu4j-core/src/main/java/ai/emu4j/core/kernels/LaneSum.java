package ai.emu4j.core.kernels;

import jdk.incubator.vector.FloatVector;

/**
 * Horizontal sum of a vector in a fixed order: halves added lane-wise down to 4 lanes, then
 * (l0 + l1) + (l2 + l3). FloatVector.reduceLanes(ADD) may add lanes in any order, and does: C2's
 * intrinsic and the interpreter's fallback differ, so a dot product's last bit changed once its kernel
 * was JIT-compiled and "same seed, same output" held only for warm JVMs. Every step here is a lane-wise
 * IEEE add, identical in both modes, and costs a few shuffles per dot product.
 */
final class LaneSum {
    private LaneSum() {}

    static float sum(FloatVector v) {
        FloatVector x = v;
        if (x.length() == 16) x = half(x, FloatVector.SPECIES_256);
        if (x.length() == 8) x = half(x, FloatVector.SPECIES_128);
        return (x.lane(0) + x.lane(1)) + (x.lane(2) + x.lane(3));
    }

    private static FloatVector half(FloatVector x, jdk.incubator.vector.VectorSpecies<Float> s) {
        return ((FloatVector) x.reinterpretShape(s, 0)).add((FloatVector) x.reinterpretShape(s, 1));
    }
}
