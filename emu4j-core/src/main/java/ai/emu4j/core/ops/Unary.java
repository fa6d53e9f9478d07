package ai.emu4j.core.ops;

import ai.emu4j.core.kernels.Activations;
import ai.emu4j.core.kernels.Parallel;
import ai.emu4j.core.tensor.Tensor;

/**
 * Pointwise functions and activations. Each kind has a forward formula and a derivative expressed
 * through the input x and/or the output y, whichever is cheaper (exp, sigmoid and tanh reuse y).
 */
public final class Unary {
    private Unary() {}

    enum Kind {
        EXP, LOG, SQRT, RSQRT, ABS, SIN, COS, SQUARE, SIGMOID, TANH, RELU, SILU, GELU, GELU_TANH, QUICK_GELU, HARDSWISH, HARDSIGMOID
    }

    public static Tensor exp(Tensor x) { return apply(Kind.EXP, x); }
    public static Tensor log(Tensor x) { return apply(Kind.LOG, x); }
    public static Tensor sqrt(Tensor x) { return apply(Kind.SQRT, x); }
    public static Tensor rsqrt(Tensor x) { return apply(Kind.RSQRT, x); }
    public static Tensor abs(Tensor x) { return apply(Kind.ABS, x); }
    public static Tensor sin(Tensor x) { return apply(Kind.SIN, x); }
    public static Tensor cos(Tensor x) { return apply(Kind.COS, x); }
    public static Tensor square(Tensor x) { return apply(Kind.SQUARE, x); }
    public static Tensor sigmoid(Tensor x) { return apply(Kind.SIGMOID, x); }
    public static Tensor tanh(Tensor x) { return apply(Kind.TANH, x); }
    public static Tensor relu(Tensor x) { return apply(Kind.RELU, x); }
    /** x * sigmoid(x), also called swish. */
    public static Tensor silu(Tensor x) { return apply(Kind.SILU, x); }
    /** Exact GELU: 0.5 x (1 + erf(x / sqrt 2)). */
    public static Tensor gelu(Tensor x) { return apply(Kind.GELU, x); }
    /** GELU with the tanh approximation (PyTorch approximate='tanh'). */
    public static Tensor geluTanh(Tensor x) { return apply(Kind.GELU_TANH, x); }
    /** x * sigmoid(1.702 x), the activation of OpenAI's CLIP. */
    public static Tensor quickGelu(Tensor x) { return apply(Kind.QUICK_GELU, x); }
    public static Tensor hardswish(Tensor x) { return apply(Kind.HARDSWISH, x); }
    public static Tensor hardsigmoid(Tensor x) { return apply(Kind.HARDSIGMOID, x); }

    /** x^p for a constant p. */
    public static Tensor pow(Tensor x, float p) {
        float[] in = x.dataF32();
        float[] out = new float[in.length];
        for (int i = 0; i < in.length; i++) out[i] = (float) Math.pow(in[i], p);
        return Tensor.of(out, x.shape()).recordOp("pow", new Tensor[] {x}, g -> {
            float[] gd = g.dataF32();
            float[] gx = new float[in.length];
            // x^0 is constant; without the guard x = 0 would give 0 * 0^-1 = NaN (PyTorch masks p == 0 too).
            if (p != 0) for (int i = 0; i < in.length; i++) gx[i] = gd[i] * p * (float) Math.pow(in[i], p - 1);
            return new Tensor[] {Tensor.of(gx, x.shape())};
        });
    }

    /** Clamps to [lo, hi]; the gradient is zero outside. */
    public static Tensor clamp(Tensor x, float lo, float hi) {
        float[] in = x.dataF32();
        float[] out = new float[in.length];
        for (int i = 0; i < in.length; i++) out[i] = Math.min(hi, Math.max(lo, in[i]));
        return Tensor.of(out, x.shape()).recordOp("clamp", new Tensor[] {x}, g -> {
            float[] gd = g.dataF32();
            float[] gx = new float[in.length];
            for (int i = 0; i < in.length; i++) gx[i] = in[i] >= lo && in[i] <= hi ? gd[i] : 0f;
            return new Tensor[] {Tensor.of(gx, x.shape())};
        });
    }

    static Tensor apply(Kind k, Tensor x) {
        float[] in = x.dataF32();
        float[] out = new float[in.length];
        Parallel.forRange(in.length, Elementwise.PAR_MIN, (s, e) -> {
            switch (k) {
                case SILU -> Activations.silu(in, out, s, e);
                case SIGMOID -> Activations.sigmoid(in, out, s, e);
                case GELU -> Activations.gelu(in, out, s, e);
                default -> {
                    for (int i = s; i < e; i++) out[i] = f(k, in[i]);
                }
            }
        });
        return Tensor.of(out, x.shape()).recordOp(k.name().toLowerCase(), new Tensor[] {x}, g -> {
            float[] gd = g.dataF32();
            float[] gx = new float[in.length];
            Parallel.forRange(in.length, Elementwise.PAR_MIN, (s, e) -> {
                switch (k) {
                    case GELU -> Activations.geluBackward(in, gd, gx, s, e);
                    case SILU -> Activations.siluBackward(in, gd, gx, s, e);
                    default -> {
                        for (int i = s; i < e; i++) gx[i] = gd[i] * df(k, in[i], out[i]);
                    }
                }
            });
            return new Tensor[] {Tensor.of(gx, x.shape())};
        });
    }

    private static final float SQRT_2_OVER_PI = (float) Math.sqrt(2 / Math.PI);

    static float f(Kind k, float x) {
        return switch (k) {
            case EXP -> (float) Math.exp(x);
            case LOG -> (float) Math.log(x);
            case SQRT -> (float) Math.sqrt(x);
            case RSQRT -> (float) (1 / Math.sqrt(x));
            case ABS -> Math.abs(x);
            case SIN -> (float) Math.sin(x);
            case COS -> (float) Math.cos(x);
            case SQUARE -> x * x;
            case SIGMOID -> sigmoid(x);
            case TANH -> (float) Math.tanh(x);
            // Written as x <= 0 so NaN passes through, as in PyTorch: a relu must not hide a NaN from overflow.
            case RELU -> x <= 0 ? 0f : x;
            case SILU -> x * sigmoid(x);
            case GELU -> Activations.geluScalar(x);
            case GELU_TANH -> 0.5f * x * (1 + (float) Math.tanh(SQRT_2_OVER_PI * (x + 0.044715f * x * x * x)));
            case QUICK_GELU -> x * sigmoid(1.702f * x);
            case HARDSWISH -> x * Math.min(Math.max(x + 3, 0f), 6f) / 6f;
            case HARDSIGMOID -> Math.min(Math.max(x + 3, 0f), 6f) / 6f;
        };
    }

    static float df(Kind k, float x, float y) {
        return switch (k) {
            case EXP -> y;
            case LOG -> 1f / x;
            case SQRT -> 0.5f / y;
            case RSQRT -> -0.5f * y * y * y;
            case ABS -> x > 0 ? 1f : x < 0 ? -1f : 0f;
            case SIN -> (float) Math.cos(x);
            case COS -> (float) -Math.sin(x);
            case SQUARE -> 2 * x;
            case SIGMOID -> y * (1 - y);
            case TANH -> 1 - y * y;
            case RELU -> x <= 0 ? 0f : 1f;
            case SILU -> Activations.siluGradScalar(x);
            case GELU -> Activations.geluGradScalar(x);
            case GELU_TANH -> {
                double inner = SQRT_2_OVER_PI * (x + 0.044715 * x * x * x);
                double t = Math.tanh(inner);
                yield (float) (0.5 * (1 + t) + 0.5 * x * (1 - t * t) * SQRT_2_OVER_PI * (1 + 3 * 0.044715 * x * x));
            }
            case QUICK_GELU -> {
                float s = sigmoid(1.702f * x);
                yield s + 1.702f * x * s * (1 - s);
            }
            // Same branch boundaries as PyTorch's hardswish_backward: x < -3, -3 <= x <= 3, x > 3.
            case HARDSWISH -> x < -3 ? 0f : x <= 3 ? (2 * x + 3) / 6f : 1f;
            case HARDSIGMOID -> x > -3 && x < 3 ? 1f / 6f : 0f;
        };
    }

    static float sigmoid(float x) {
        return Activations.sigmoidScalar(x);
    }
}
