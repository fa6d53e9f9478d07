package ai.emu4j.core.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * SIMD sigmoid, SiLU and exact GELU. The scalar form (1 / (1 + exp(-x)) in double) costs a libm call per element
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
            for (int bound = from + S.loopBound(to - from); i < bound; i += S.length()) {
                FloatVector x = FloatVector.fromArray(S, in, i), s = sigmoid(x);
                (timesX ? x.mul(s) : s).intoArray(out, i);
            }
        }
        for (; i < to; i++) {
            float s = sigmoidScalar(in[i]);
            out[i] = timesX ? in[i] * s : s;
        }
    }

    /** 1 / (1 + e^-x) per lane. exp(-x) overflows to +inf in float for x < -88.7 (double: -709): 0 instead of a subnormal below 1e-37. */
    private static FloatVector sigmoid(FloatVector x) {
        FloatVector d = exp(x.neg()).add(1f);
        return d.broadcast(1f).div(d);
    }

    /** gx[i] = g[i] * silu'(in[i]) = g[i] * s (1 + x (1 - s)), s = sigmoid(x), for i in [from, to). */
    public static void siluBackward(float[] in, float[] g, float[] gx, int from, int to) {
        int i = from;
        if (VectorWidth.BITS > 0) {
            for (int bound = from + S.loopBound(to - from); i < bound; i += S.length()) {
                FloatVector x = FloatVector.fromArray(S, in, i), s = sigmoid(x);
                FloatVector d = s.mul(x.mul(s.neg().add(1f)).add(1f));
                FloatVector.fromArray(S, g, i).mul(d).intoArray(gx, i);
            }
        }
        for (; i < to; i++) gx[i] = g[i] * siluGradScalar(in[i]);
    }

    /** The oracle (and the tail) of {@link #siluBackward}. */
    public static float siluGradScalar(float x) {
        float s = sigmoidScalar(x);
        return s * (1 + x * (1 - s));
    }

    /** out[i] = gelu(in[i]) = in[i] * Phi(in[i]) (exact, erf-based) for i in [from, to). */
    public static void gelu(float[] in, float[] out, int from, int to) {
        int i = from;
        if (VectorWidth.BITS > 0) {
            for (int bound = from + S.loopBound(to - from); i < bound; i += S.length()) {
                FloatVector x = FloatVector.fromArray(S, in, i);
                x.mul(normalCdf(x)).intoArray(out, i);
            }
        }
        for (; i < to; i++) out[i] = geluScalar(in[i]);
    }

    /** gx[i] = g[i] * gelu'(in[i]) = g[i] * (Phi(x) + x phi(x)) for i in [from, to). */
    public static void geluBackward(float[] in, float[] g, float[] gx, int from, int to) {
        int i = from;
        if (VectorWidth.BITS > 0) {
            for (int bound = from + S.loopBound(to - from); i < bound; i += S.length()) {
                FloatVector x = FloatVector.fromArray(S, in, i);
                FloatVector pdf = exp(x.mul(x).mul(-0.5f)).mul(INV_SQRT_2PI);
                FloatVector.fromArray(S, g, i).mul(x.fma(pdf, normalCdf(x))).intoArray(gx, i);
            }
        }
        for (; i < to; i++) gx[i] = g[i] * geluGradScalar(in[i]);
    }

    /** The oracle (and the tail), in double. */
    public static float geluScalar(float x) {
        return (float) (x * normalCdf((double) x));
    }

    public static float geluGradScalar(float x) {
        return (float) (normalCdf((double) x) + x * INV_SQRT_2PI_D * Math.exp(-0.5 * x * x));
    }

    /**
     * Phi(x) = (1 + erf(x / sqrt 2)) / 2 to about 1e-7 relative error (java.lang.Math has no erf): a
     * Maclaurin series of erf near zero, Numerical Recipes' erfc fit elsewhere, taken as erfc / 2 below
     * zero rather than 1 + (erfc - 1), which would round a small erfc away (gelu(-10.45) = -7.7e-25, not -0).
     */
    static double normalCdf(double x) {
        double u = x * INV_SQRT2, z = Math.abs(u);
        if (z < 0.5) {
            double u2 = u * u;
            return 0.5 + 0.5 * 1.1283791670955126 * u * (1 - u2 / 3 * (1 - u2 * 3 / 10 * (1 - u2 * 5 / 21 * (1 - u2 * 7 / 36 * (1 - u2 * 9 / 55 * (1 - u2 * 11 / 78))))));
        }
        double t = 1 / (1 + 0.5 * z);
        double halfErfc = 0.5 * t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
                + t * (-0.82215223 + t * 0.17087277)))))))));
        return x < 0 ? halfErfc : 1 - halfErfc;
    }

    private static final double INV_SQRT2 = 1 / Math.sqrt(2), INV_SQRT_2PI_D = 1 / Math.sqrt(2 * Math.PI);
    private static final float INV_SQRT2_F = (float) INV_SQRT2, INV_SQRT_2PI = (float) (1 / Math.sqrt(2 * Math.PI));

    /**
     * {@link #normalCdf(double)}'s arithmetic per lane, in float. NaN stays NaN.
     */
    private static FloatVector normalCdf(FloatVector x) {
        FloatVector u = x.mul(INV_SQRT2_F), z = u.abs(), u2 = u.mul(u);
        FloatVector series = u2.mul(-11f / 78).add(1f);
        series = u2.mul(-9f / 55).mul(series).add(1f);
        series = u2.mul(-7f / 36).mul(series).add(1f);
        series = u2.mul(-5f / 21).mul(series).add(1f);
        series = u2.mul(-3f / 10).mul(series).add(1f);
        series = u2.mul(-1f / 3).mul(series).add(1f);
        FloatVector small = u.mul(1.1283791670955126f * 0.5f).mul(series).add(0.5f);
        FloatVector t = z.mul(0.5f).add(1f);
        t = t.broadcast(1f).div(t);
        FloatVector poly = t.fma(0.17087277f, -0.82215223f);
        poly = poly.fma(t, t.broadcast(1.48851587f));
        poly = poly.fma(t, t.broadcast(-1.13520398f));
        poly = poly.fma(t, t.broadcast(0.27886807f));
        poly = poly.fma(t, t.broadcast(-0.18628806f));
        poly = poly.fma(t, t.broadcast(0.09678418f));
        poly = poly.fma(t, t.broadcast(0.37409196f));
        poly = poly.fma(t, t.broadcast(1.00002368f));
        FloatVector halfErfc = t.mul(exp(poly.fma(t, z.mul(z).neg().sub(1.26551223f)))).mul(0.5f);
        FloatVector tail = halfErfc.neg().add(1f).blend(halfErfc, x.compare(VectorOperators.LT, 0f));
        return tail.blend(small, z.compare(VectorOperators.LT, 0.5f));
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
