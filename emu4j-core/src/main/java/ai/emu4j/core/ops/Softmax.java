package ai.emu4j.core.ops;

import ai.emu4j.core.kernels.Parallel;
import ai.emu4j.core.tensor.Shape;
import ai.emu4j.core.tensor.Tensor;

/** Softmax and log-softmax along one dimension, max-subtracted for stability; -inf entries give 0. */
public final class Softmax {
    private Softmax() {}

    public static Tensor softmax(Tensor x, int dim) {
        return run(x, dim, false);
    }

    public static Tensor logSoftmax(Tensor x, int dim) {
        return run(x, dim, true);
    }

    private static Tensor run(Tensor x, int dim, boolean log) {
        int[] s = x.shape();
        int d = Shape.dim(dim, s.length);
        float[] in = x.dataF32();
        int r = s[d], outer = 1, inner = 1;
        for (int i = 0; i < d; i++) outer *= s[i];
        for (int i = d + 1; i < s.length; i++) inner *= s[i];
        float[] out = new float[in.length];
        final int fi = inner, rows = outer * inner;
        Parallel.forRange(rows, Math.max(1, Elementwise.PAR_MIN / Math.max(1, r)), (a, b) -> {
            for (int row = a; row < b; row++) {
                int base = (row / fi) * r * fi + row % fi;
                float max = Float.NEGATIVE_INFINITY;
                for (int k = 0; k < r; k++) max = Math.max(max, in[base + k * fi]);
                if (max == Float.NEGATIVE_INFINITY) max = 0;
                double sum = 0;
                for (int k = 0; k < r; k++) sum += Math.exp(in[base + k * fi] - max);
                if (log) {
                    float lse = (float) (max + Math.log(sum));
                    for (int k = 0; k < r; k++) out[base + k * fi] = in[base + k * fi] - lse;
                } else {
                    float inv = (float) (1 / sum);
                    for (int k = 0; k < r; k++) out[base + k * fi] = (float) Math.exp(in[base + k * fi] - max) * inv;
                }
            }
        });
        return Tensor.of(out, s).recordOp(log ? "log_softmax" : "softmax", new Tensor[] {x}, g -> {
            float[] gd = g.dataF32();
            float[] gx = new float[in.length];
            Parallel.forRange(rows, Math.max(1, Elementwise.PAR_MIN / Math.max(1, r)), (a, b) -> {
                for (int row = a; row < b; row++) {
                    int base = (row / fi) * r * fi + row % fi;
                    double dot = 0;
                    if (log) {
                        // d/dx = g - softmax * sum(g)
                        for (int k = 0; k < r; k++) dot += gd[base + k * fi];
                        for (int k = 0; k < r; k++) gx[base + k * fi] = gd[base + k * fi] - (float) (Math.exp(out[base + k * fi]) * dot);
                    } else {
                        // d/dx = y * (g - sum(g * y))
                        for (int k = 0; k < r; k++) dot += gd[base + k * fi] * out[base + k * fi];
                        for (int k = 0; k < r; k++) gx[base + k * fi] = out[base + k * fi] * (gd[base + k * fi] - (float) dot);
                    }
                }
            });
            return new Tensor[] {Tensor.of(gx, s)};
        });
    }
}
