package ai.emu4j.core.kernels;

import ai.emu4j.core.util.Rng;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The SIMD sigmoid and SiLU against the scalar oracle, over ordinary values and the edges of exp's range. */
class ActivationsTest {
    private static float[] inputs() {
        Rng rng = new Rng(9);
        float[] x = new float[1003];   // not a multiple of any vector length: the tail runs too
        for (int i = 0; i < x.length; i++) x[i] = 12 * rng.nextGaussian();
        float[] special = {0f, -0f, 88f, 89f, -88f, -89f, -104f, 104f, 1000f, -1000f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
                Float.MIN_VALUE, -Float.MIN_VALUE, 1e-8f, -1e-8f};
        System.arraycopy(special, 0, x, 17, special.length);
        System.arraycopy(special, 0, x, 500, special.length);
        return x;
    }

    @Test
    void vectorPathMatchesTheScalarOracle() {
        float[] x = inputs(), silu = new float[x.length], sig = new float[x.length];
        Activations.silu(x, silu, 0, x.length);
        Activations.sigmoid(x, sig, 0, x.length);
        for (int i = 0; i < x.length; i++) {
            float s = Activations.sigmoidScalar(x[i]);
            check("sigmoid", x[i], s, sig[i]);
            check("silu", x[i], x[i] * s, silu[i]);
        }
    }

    @Test
    void aSubrangeLeavesTheRestAlone() {
        float[] x = inputs(), out = new float[x.length];
        java.util.Arrays.fill(out, 7f);
        Activations.silu(x, out, 3, 100);
        assertEquals(7f, out[2]);
        assertEquals(7f, out[100]);
        assertEquals(x[50] * Activations.sigmoidScalar(x[50]), out[50], 1e-6f * Math.abs(x[50]) + 1e-30f);
    }

    /**
     * The vector exp is lane-wise IEEE arithmetic, so it must equal its scalar transcription bit for bit
     * (whatever the JIT does), and stay within 2 ulp of Math.exp inside the clamped range.
     */
    @Test
    void vectorExpIsItsScalarArithmeticAndCloseToMathExp() {
        float[] x = inputs();
        var s = VectorWidth.SPECIES;
        for (int i = 0; i + s.length() <= x.length; i += s.length()) {
            float[] got = jdk.incubator.vector.FloatVector.fromArray(s, x, i).toArray();
            float[] e = Activations.exp(jdk.incubator.vector.FloatVector.fromArray(s, x, i)).toArray();
            for (int l = 0; l < got.length; l++) {
                float want = Activations.expScalar(got[l]);
                assertEquals(Float.floatToIntBits(want), Float.floatToIntBits(e[l]), "exp(" + got[l] + ")");
            }
        }
        for (int i = -87000; i <= 88000; i += 7) {
            float v = i / 1000f + 0.000123f;
            double want = Math.exp(v);
            assertEquals(want, Activations.expScalar(v), 2 * Math.ulp((float) want), "exp(" + v + ")");
        }
        assertTrue(Float.isNaN(Activations.expScalar(Float.NaN)));
        assertEquals(0f, Activations.expScalar(-1000f));
        assertEquals(0f, Activations.expScalar(Float.NEGATIVE_INFINITY));
        assertEquals(Float.POSITIVE_INFINITY, Activations.expScalar(89f));
        assertEquals(Float.POSITIVE_INFINITY, Activations.expScalar(Float.POSITIVE_INFINITY));
    }

    private static void check(String what, float x, float want, float got) {
        if (Float.isNaN(want)) {
            assertTrue(Float.isNaN(got), what + "(" + x + ") should be NaN, got " + got);
            return;
        }
        assertEquals(want, got, 4e-7f * Math.abs(want) + 1e-30f, what + "(" + x + ")");
    }
}
