package ai.emu4j.core.kernels;

import ai.emu4j.core.util.Rng;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The SIMD sigmoid, SiLU (and its derivative) and GELU against the scalar oracles, over ordinary values and the edges of exp's range. */
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
        float[] g = new float[x.length], gx = new float[x.length];
        for (int i = 0; i < g.length; i++) g[i] = 0.5f + (i % 3);
        Activations.siluBackward(x, g, gx, 0, x.length);
        for (int i = 0; i < x.length; i++) {
            float s = Activations.sigmoidScalar(x[i]);
            check("sigmoid", x[i], s, sig[i]);
            check("silu", x[i], x[i] * s, silu[i]);
            // silu' = s (1 + x (1 - s)) cancels to 0 near x = -1.28: an absolute floor of a few float ulps of s.
            float want = g[i] * s * (1 + x[i] * (1 - s));
            if (Float.isNaN(want)) assertTrue(Float.isNaN(gx[i]), "silu'(" + x[i] + ")");
            else assertEquals(want, gx[i], 1e-6f * Math.abs(want) + 3e-7f * g[i], "silu'(" + x[i] + ")");
        }
    }

    /**
     * GELU and its derivative against the double-precision oracle: relative 2e-6 near zero, growing with
     * x^2 far out on the negative side, where the result is tiny (gelu(-5) = -1.4e-6) and erfc's exponent
     * -x^2/2 is a float whose last bit is already a relative 4e-6 of the result at |x| = 12 (float input
     * alone costs erfc that much: PyTorch's float erfc has the same limit). A dense sweep of [-12, 12]
     * crosses the series / erfc switch at |x| = 0.707.
     */
    @Test
    void geluMatchesTheDoubleOracle() {
        float[] random = inputs(), x = new float[random.length + 2401];
        System.arraycopy(random, 0, x, 0, random.length);
        for (int i = 0; i <= 2400; i++) x[random.length + i] = -12f + i * 0.01f;
        float[] y = new float[x.length], g = new float[x.length], gx = new float[x.length];
        for (int i = 0; i < g.length; i++) g[i] = 1f + (i % 5) * 0.25f;
        Activations.gelu(x, y, 0, x.length);
        Activations.geluBackward(x, g, gx, 0, x.length);
        for (int i = 0; i < x.length; i++) {
            checkGelu("gelu", x[i], Activations.geluScalar(x[i]), y[i], 1e-30f);
            // gelu' = Phi(x) + x phi(x) cancels to 0 near x = -0.75: an absolute floor of about a float ulp of Phi.
            checkGelu("gelu'", x[i], g[i] * Activations.geluGradScalar(x[i]), gx[i], 2e-7f * g[i]);
        }
        assertEquals(-1.4333e-6f, y[random.length + 700], 1e-9f, "gelu(-5)");
        assertEquals(Float.POSITIVE_INFINITY, y[17 + 11]);
        assertTrue(Float.isNaN(y[17 + 10]));
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

    private static void checkGelu(String what, float x, float want, float got, float floor) {
        if (Float.isNaN(want)) {
            assertTrue(Float.isNaN(got), what + "(" + x + ") should be NaN, got " + got);
            return;
        }
        float rel = 2e-6f * (1 + Math.min(x * x, 1e4f) / 4);
        assertEquals(want, got, rel * Math.abs(want) + floor, what + "(" + x + ")");
    }

    private static void check(String what, float x, float want, float got) {
        if (Float.isNaN(want)) {
            assertTrue(Float.isNaN(got), what + "(" + x + ") should be NaN, got " + got);
            return;
        }
        assertEquals(want, got, 4e-7f * Math.abs(want) + 1e-30f, what + "(" + x + ")");
    }
}
