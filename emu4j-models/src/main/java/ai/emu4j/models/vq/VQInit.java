package ai.emu4j.models.vq;

import ai.emu4j.core.tensor.Tensor;
import ai.emu4j.core.util.Rng;

/**
 * Initial values for a fresh Emu3 tokenizer, chosen by tensor name (see {@link Emu3VQTrainable}):
 * <ul>
 * <li>2D convs: U(-1/sqrt(fan_in), 1/sqrt(fan_in)) as torch.nn.Conv2d; biases zero.</li>
 * <li>GroupNorm weight 1, bias 0. SpatialNorm conv_y starts with bias 1 so the modulation
 *     starts near GroupNorm(x) (torch's default would start it near 0 and silence the decoder).</li>
 * <li>Temporal stacks: causal time convs are a delta on the latest input frame, same channel and
 *     the centre pixel; temporal res blocks have zero convs (so add nothing); BatchNorm identity.</li>
 * <li>quant_conv / post_quant_conv: random on the last time tap, zero on the others.</li>
 * <li>Codebook: standard normal rows (normalised when used).</li>
 * </ul>
 */
final class VQInit {
    private VQInit() {}

    static Tensor tensor(String name, int[] shape, Rng rng) {
        if (name.endsWith("running_var")) return Tensor.ones(shape);
        if (name.endsWith("running_mean")) return Tensor.zeros(shape);
        if (name.contains(".time_res_stack.")) return name.endsWith("norm1.weight") || name.endsWith("norm2.weight") ? Tensor.ones(shape) : Tensor.zeros(shape);
        if (name.contains(".time_conv.")) return name.endsWith(".weight") ? delta(shape) : Tensor.zeros(shape);
        if (name.equals("quantize.embedding.weight")) return Tensor.randn(rng, shape);
        if (name.endsWith(".conv_y.bias")) return Tensor.ones(shape);
        if (shape.length == 1) return name.endsWith(".bias") ? Tensor.zeros(shape) : Tensor.ones(shape);
        if (name.startsWith("quant_conv.") || name.startsWith("post_quant_conv.")) return lastTap(shape, rng);
        return fanIn(shape, rng);
    }

    private static Tensor fanIn(int[] shape, Rng rng) {
        int fan = 1;
        for (int i = 1; i < shape.length; i++) fan *= shape[i];
        float bound = (float) (1 / Math.sqrt(fan));
        return Tensor.uniform(rng, -bound, bound, shape);
    }

    /** [out, in, kt, kh, kw]: out[o] = in[o] at the latest frame, centre pixel. */
    private static Tensor delta(int[] s) {
        float[] w = new float[s[0] * s[1] * s[2] * s[3] * s[4]];
        for (int o = 0; o < Math.min(s[0], s[1]); o++) {
            w[(((o * s[1] + o) * s[2] + s[2] - 1) * s[3] + s[3] / 2) * s[4] + s[4] / 2] = 1;
        }
        return Tensor.of(w, s);
    }

    /** [out, in, kt, 1, 1] with U(+-1/sqrt(in)) at kt - 1 and zeros before. */
    private static Tensor lastTap(int[] s, Rng rng) {
        float bound = (float) (1 / Math.sqrt(s[1]));
        float[] w = new float[s[0] * s[1] * s[2]];
        for (int oi = 0; oi < s[0] * s[1]; oi++) w[oi * s[2] + s[2] - 1] = bound * (2 * rng.nextFloat() - 1);
        return Tensor.of(w, s);
    }
}
