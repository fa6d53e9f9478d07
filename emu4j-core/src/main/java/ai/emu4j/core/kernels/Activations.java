package ai.emu4j.core.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * SIMD sigmoid and SiLU. The scalar form (1 / (1 + exp(-x)) in double) costs a libm call per element
 * and took 8% of the JFR samples of `bench tokenizer` (encode + decode); the vector form uses the Vector API's lanewise EXP (an
 * intrinsic, within a few ulp of Math.exp) and a divide per lane. {@link #sigmoidScalar} is the oracle
 * the tests compare against, and what runs when {@link VectorWidth#BITS} is 0.
 */
public final class Activations {
    private static final VectorSpecies<Float> S = VectorWidth.SPECIES;

    private Activations() {}

    public static float sigmoidScalar(float x) {
        return (float) (1 / (1 + Math.exp(-x)));
    }

    /** out[i] = in[i] * sigmoid(in[i]) for i in [from, to). */
    public static void silu(float[] in, float[] out, int from, int to) {
        run(in, out, from, to, true);
    }

    /** out[i] = sigmoid(in[i]) for i in [from, to). */
    public static void sigmoid(float[] in, float[] out, int from, int to) {
        run(in, out, from, to, false);
    }

    private static void run(float[] in, float[] out, int from, int to, boolean timesX) {
        int i = from;
        if (VectorWidth.BITS > 0) {
            FloatVector one = FloatVector.broadcast(S, 1f);
            for (int bound = from + S.loopBound(to - from); i < bound; i += S.length()) {
                FloatVector x = FloatVector.fromArray(S, in, i);
                // exp(-x) overflows to +inf in float for x < -88.7 (double: -709): 0 instead of a subnormal below 1e-37.
                FloatVector s = one.div(one.add(x.neg().lanewise(VectorOperators.EXP)));
                (timesX ? x.mul(s) : s).intoArray(out, i);
            }
        }
        for (; i < to; i++) {
            float s = sigmoidScalar(in[i]);
            out[i] = timesX ? in[i] * s : s;
        }
    }
}
