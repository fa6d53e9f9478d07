package ai.emu4j.core.ops;

import ai.emu4j.core.kernels.Parallel;
import ai.emu4j.core.kernels.SoftmaxRows;
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

    /**
     * Softmax over the last dimension of (..., T, S) scores as if entry (i, j) were -inf wherever
     * j > i + offset (the causal mask of a query block whose keys start offset positions earlier): those
     * entries are 0 and get no gradient. One pass instead of a masked copy plus a softmax over every
     * entry: for attention over a full context it skips half the exponentials and never writes the mask.
     * A row with no visible key is all zeros.
     */
    public static Tensor causal(Tensor x, int offset) {
        int[] s = x.shape();
        if (s.length < 2) throw new IllegalArgumentException("causal softmax wants (..., T, S), got " + java.util.Arrays.toString(s));
        int t = s[s.length - 2], n = s[s.length - 1];
        float[] in = x.dataF32();
        float[] out = new float[in.length];
        int rows = in.length / Math.max(1, n);
        int grain = Math.max(1, Elementwise.PAR_MIN / Math.max(1, n));
        Parallel.forRange(rows, grain, (a, b) -> {
            for (int row = a; row < b; row++) {
                int base = row * n;
                SoftmaxRows.softmax(in, out, base, visible(row % t, offset, n));
            }
        });
        return Tensor.of(out, s).recordOp("causal_softmax", new Tensor[] {x}, g -> {
            float[] gd = g.dataF32();
            float[] gx = new float[in.length];
            Parallel.forRange(rows, grain, (a, b) -> {
                for (int row = a; row < b; row++) {
                    int base = row * n, visible = visible(row % t, offset, n);
                    // d/dx = y * (g - sum(g * y)); y is 0 past the visible keys
                    double dot = 0;
                    for (int k = 0; k < visible; k++) dot += gd[base + k] * out[base + k];
                    for (int k = 0; k < visible; k++) gx[base + k] = out[base + k] * (gd[base + k] - (float) dot);
                }
            });
            return new Tensor[] {Tensor.of(gx, s)};
        });
    }

    private static int visible(int query, int offset, int keys) {
        return (int) Math.max(0, Math.min(keys, (long) query + offset + 1));
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
                if (fi == 1) {
                    // A contiguous run (the last dimension, as for attention and the loss over the vocabulary).
                    if (!log) {
                        SoftmaxRows.softmax(in, out, base, r);
                        continue;
                    }
                    float lse = SoftmaxRows.logSumExp(in, base, r);
                    for (int k = 0; k < r; k++) out[base + k] = in[base + k] - lse;
                    continue;
                }
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
