package ai.emu4j.core.ops;

import ai.emu4j.core.tensor.Tensor;

import java.util.Arrays;

/**
 * Rotary position embedding on x (..., T, D): rotates pairs of features by position-dependent
 * angles. Two pairings exist in published checkpoints: rotate-half (Hugging Face Llama: feature i
 * pairs with i + D/2) and interleaved (Meta's original and GPT-J: 2i pairs with 2i+1). Converting a
 * checkpoint between them permutes q/k weight rows, so a loader must pick the matching one.
 */
public final class Rope {
    private Rope() {}

    /** cos/sin tables (T, D/2) for given positions: angle = pos * theta^(-2i/D), optionally divided by a linear scale. */
    public static Tensor[] tables(int[] positions, int dim, double theta, double linearScale) {
        int half = dim / 2;
        float[] c = new float[positions.length * half], s = new float[positions.length * half];
        for (int t = 0; t < positions.length; t++) {
            for (int i = 0; i < half; i++) {
                double invFreq = 1.0 / Math.pow(theta, (2.0 * i) / dim);
                double a = positions[t] / linearScale * invFreq;
                c[t * half + i] = (float) Math.cos(a);
                s[t * half + i] = (float) Math.sin(a);
            }
        }
        return new Tensor[] {Tensor.of(c, positions.length, half), Tensor.of(s, positions.length, half)};
    }

    /** Applies the rotation; cos and sin are (T, D/2) and broadcast over the leading dims of x. */
    public static Tensor apply(Tensor x, Tensor cos, Tensor sin, boolean interleaved) {
        int[] s = x.shape();
        int r = s.length;
        if (r < 2) throw new IllegalArgumentException("rope wants (..., T, D), got " + Arrays.toString(s));
        int t = s[r - 2], d = s[r - 1];
        if (d % 2 != 0) throw new IllegalArgumentException("rope needs an even head dimension, got " + d);
        int half = d / 2;
        if (!Arrays.equals(cos.shape(), new int[] {t, half}) || !Arrays.equals(sin.shape(), new int[] {t, half})) {
            throw new IllegalArgumentException("rope tables must be (" + t + ", " + half + "), got " + Arrays.toString(cos.shape()));
        }
        float[] c = cos.dataF32(), sn = sin.dataF32();
        float[] out = rotate(x.dataF32(), c, sn, t, d, interleaved, 1f);
        return Tensor.of(out, s).recordOp("rope", new Tensor[] {x}, g -> new Tensor[] {Tensor.of(rotate(g.dataF32(), c, sn, t, d, interleaved, -1f), s)});
    }

    /** sign = -1 rotates backwards, which is the transpose and therefore the gradient. */
    private static float[] rotate(float[] in, float[] c, float[] sn, int t, int d, boolean interleaved, float sign) {
        float[] out = new float[in.length];
        int half = d / 2;
        int rows = in.length / d;
        for (int row = 0; row < rows; row++) {
            int pos = row % t;
            int o = row * d;
            for (int i = 0; i < half; i++) {
                float cs = c[pos * half + i], sv = sign * sn[pos * half + i];
                int i1 = interleaved ? o + 2 * i : o + i;
                int i2 = interleaved ? o + 2 * i + 1 : o + i + half;
                float x1 = in[i1], x2 = in[i2];
                out[i1] = x1 * cs - x2 * sv;
                out[i2] = x2 * cs + x1 * sv;
            }
        }
        return out;
    }
}
