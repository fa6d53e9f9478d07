package ai.emu4j.core.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * SIMD sigmoid and SiLU. The scalar form (1 / (1 + exp(-x)) in double) costs a libm call per element
 * and took 8% of the JFR samples of `bench tokenizer` (encode + decode); the vector form computes exp
 * with {@link #exp(FloatVector)} and divides per lane. {@link #sigmoidScalar} is the oracle the tests
 * compare against, and what runs when {@link VectorWidth#BITS} is 0.
 * <p>
 * Why not the Vector API's lanewise(EXP): its result is not specified to the bit, and it differs between
 * modes: C2 calls an SVML-style stub, the interpreter and C1 run Math.exp per lane. A SiLU therefore
 * changed its last bits once its loop was JIT-compiled, and when that happened depended on timing, so
 * two training runs with the same seed (or a run and its resumption) drifted apart on a loaded machine.
 * {@link #exp(FloatVector)} uses lane-wise adds, multiplies, compares and conversions only, which are
 * IEEE-exact in every mode; {@link #expScalar} is the same arithmetic in scalar code, for the tests.
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
                FloatVector s = one.div(one.add(exp(x.neg())));
                (timesX ? x.mul(s) : s).intoArray(out, i);
            }
        }
        for (; i < to; i++) {
            float s = sigmoidScalar(in[i]);
            out[i] = timesX ? in[i] * s : s;
        }
    }

    // Cephes expf: e^x = 2^n * e^r with n = round(x / ln 2), r = x - n ln 2 (ln 2 split in two so the
    // products are exact), e^r by a degree-7 polynomial; within 2 ulp of exp on [LO, HI]. Outside it the
    // result is 0 or +Infinity, so sigmoid(-inf) is 0 and silu(-inf) is NaN, as in torch. n comes from
    // adding 1.5 * 2^23, which rounds x / ln 2 to an integer held in the sum's low mantissa bits.
    private static final float LO = -87.3f, HI = 88.37626f;      // 2^n stays a normal float at both ends
    private static final float LOG2E = 1.44269504088896341f, C1 = 0.693359375f, C2 = -2.12194440e-4f, ROUND = 12582912f;
    private static final int ROUND_BITS = Float.floatToRawIntBits(ROUND);
    private static final float P0 = 1.9875691500e-4f, P1 = 1.3981999507e-3f, P2 = 8.3334519073e-3f, P3 = 4.1665795894e-2f,
            P4 = 1.6666665459e-1f, P5 = 5.0000001201e-1f;

    /** e^x per lane; 0 below -87.3, +Infinity above 88.376, NaN stays NaN (max and min pass it on). */
    static FloatVector exp(FloatVector in) {
        FloatVector x = in.max(LO).min(HI);
        FloatVector k = x.fma(LOG2E, ROUND);                                     // ROUND + n, exactly
        FloatVector n = k.sub(ROUND);
        FloatVector r = n.fma(x.broadcast(-C1), x);
        r = n.fma(x.broadcast(-C2), r);
        FloatVector y = r.fma(P0, P1);
        y = y.fma(r, x.broadcast(P2));
        y = y.fma(r, x.broadcast(P3));
        y = y.fma(r, x.broadcast(P4));
        y = y.fma(r, x.broadcast(P5));
        y = y.fma(r.mul(r), r).add(1f);
        FloatVector pow2n = k.reinterpretAsInts().sub(ROUND_BITS - 127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        return y.mul(pow2n).blend(0f, in.compare(VectorOperators.LT, LO)).blend(Float.POSITIVE_INFINITY, in.compare(VectorOperators.GT, HI));
    }

    /** {@link #exp(FloatVector)}'s arithmetic, one float at a time (Math.fma rounds once, as the lane-wise fma does). */
    static float expScalar(float x) {
        if (x < LO) return 0f;
        if (x > HI) return Float.POSITIVE_INFINITY;
        float k = Math.fma(x, LOG2E, ROUND);
        float n = k - ROUND;
        float r = Math.fma(n, -C2, Math.fma(n, -C1, x));
        float y = Math.fma(r, P0, P1);
        y = Math.fma(y, r, P2);
        y = Math.fma(y, r, P3);
        y = Math.fma(y, r, P4);
        y = Math.fma(y, r, P5);
        y = Math.fma(y, r * r, r) + 1f;
        return y * Float.intBitsToFloat((Float.floatToRawIntBits(k) - (ROUND_BITS - 127)) << 23);
    }
}
