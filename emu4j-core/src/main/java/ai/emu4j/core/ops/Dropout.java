package ai.emu4j.core.ops;

import ai.emu4j.core.tensor.Tensor;
import ai.emu4j.core.util.Rng;

/** Inverted dropout: zeroes each element with probability p and scales survivors by 1/(1-p). */
public final class Dropout {
    private Dropout() {}

    public static Tensor dropout(Tensor x, float p, boolean training, Rng rng) {
        if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException("dropout probability must be in [0, 1], got " + p);
        if (!training || p == 0) return x;
        if (p == 1) return Elementwise.mulScalar(x, 0f);
        float[] in = x.dataF32();
        float[] mask = new float[in.length];
        float scale = 1f / (1f - p);
        for (int i = 0; i < in.length; i++) mask[i] = rng.nextFloat() >= p ? scale : 0f;
        return Elementwise.mul(x, Tensor.of(mask, x.shape()));
    }
}
