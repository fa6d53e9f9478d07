package ai.emu4j.core.ops;

import ai.emu4j.core.kernels.Parallel;
import ai.emu4j.core.tensor.Tensor;

import java.util.Arrays;

/**
 * Normalisations. All four share one shape of computation: statistics over groups of elements, then
 * an affine map. Backward uses the standard closed form dx = rstd * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat))
 * (without the mean(dxhat) term for RMS norm), statistics in double.
 */
public final class Norms {
    private Norms() {}

    /** LayerNorm over the last dimension; weight and bias (D) may be null. */
    public static Tensor layerNorm(Tensor x, Tensor weight, Tensor bias, float eps) {
        return lastDimNorm(x, weight, bias, eps, false);
    }

    /** RMSNorm over the last dimension: x * rsqrt(mean(x^2) + eps) * weight, statistics in F32 as Llama does. */
    public static Tensor rmsNorm(Tensor x, Tensor weight, float eps) {
        return lastDimNorm(x, weight, null, eps, true);
    }

    private static Tensor lastDimNorm(Tensor x, Tensor weight, Tensor bias, float eps, boolean rms) {
        int[] s = x.shape();
        int d = s[s.length - 1];
        checkParam(weight, d, "weight");
        checkParam(bias, d, "bias");
        float[] in = x.dataF32();
        int rows = in.length / Math.max(1, d);
        float[] w = weight == null ? null : weight.dataF32();
        float[] b = bias == null ? null : bias.dataF32();
        float[] out = new float[in.length], xhat = new float[in.length], rstd = new float[rows];
        Parallel.forRange(rows, Math.max(1, Elementwise.PAR_MIN / Math.max(1, d)), (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int o = r * d;
                double mean = 0;
                if (!rms) {
                    for (int j = 0; j < d; j++) mean += in[o + j];
                    mean /= d;
                }
                double var = 0;
                for (int j = 0; j < d; j++) {
                    double c = in[o + j] - mean;
                    var += c * c;
                }
                var /= d;
                float rs = (float) (1 / Math.sqrt(var + eps));
                rstd[r] = rs;
                for (int j = 0; j < d; j++) {
                    float h = (float) (in[o + j] - mean) * rs;
                    xhat[o + j] = h;
                    out[o + j] = h * (w == null ? 1f : w[j]) + (b == null ? 0f : b[j]);
                }
            }
        });
        return Tensor.of(out, s).recordOp(rms ? "rms_norm" : "layer_norm", new Tensor[] {x, weight, bias}, g -> {
            float[] gd = g.dataF32();
            float[] gx = new float[in.length];
            float[] gw = w == null ? null : new float[d], gb = b == null ? null : new float[d];
            for (int r = 0; r < rows; r++) {
                int o = r * d;
                double sumDh = 0, sumDhXh = 0;
                for (int j = 0; j < d; j++) {
                    float dh = gd[o + j] * (w == null ? 1f : w[j]);
                    sumDh += dh;
                    sumDhXh += dh * xhat[o + j];
                    if (gw != null) gw[j] += gd[o + j] * xhat[o + j];
                    if (gb != null) gb[j] += gd[o + j];
                }
                double m1 = rms ? 0 : sumDh / d, m2 = sumDhXh / d;
                for (int j = 0; j < d; j++) {
                    float dh = gd[o + j] * (w == null ? 1f : w[j]);
                    gx[o + j] = (float) (rstd[r] * (dh - m1 - xhat[o + j] * m2));
                }
            }
            return new Tensor[] {Tensor.of(gx, s), gw == null ? null : Tensor.of(gw, d), gb == null ? null : Tensor.of(gb, d)};
        });
    }

    /** GroupNorm over x (N, C, *) with G groups; weight and bias (C) may be null. */
    public static Tensor groupNorm(Tensor x, int groups, Tensor weight, Tensor bias, float eps) {
        int[] s = x.shape();
        if (s.length < 2) throw new IllegalArgumentException("groupNorm wants (N, C, ...), got " + Arrays.toString(s));
        int n = s[0], c = s[1];
        if (groups <= 0 || c % groups != 0) throw new IllegalArgumentException("groupNorm: " + c + " channels do not split into " + groups + " groups");
        int spatial = 1;
        for (int i = 2; i < s.length; i++) spatial *= s[i];
        return channelNorm(x, n, c, spatial, groups, weight, bias, eps, null, null, 0f, true);
    }

    /**
     * BatchNorm over x (N, C, *). In training mode it normalises with the batch statistics (biased
     * variance) and updates the running buffers in place with the unbiased variance, as PyTorch does;
     * in eval mode it uses the running buffers and the result is a plain affine map.
     */
    public static Tensor batchNorm(Tensor x, Tensor runningMean, Tensor runningVar, Tensor weight, Tensor bias,
                                   boolean training, float momentum, float eps) {
        int[] s = x.shape();
        if (s.length < 2) throw new IllegalArgumentException("batchNorm wants (N, C, ...), got " + Arrays.toString(s));
        int n = s[0], c = s[1];
        int spatial = 1;
        for (int i = 2; i < s.length; i++) spatial *= s[i];
        if (!training) {
            float[] rm = runningMean.dataF32(), rv = runningVar.dataF32();
            float[] invStd = new float[c];
            for (int ch = 0; ch < c; ch++) invStd[ch] = (float) (1 / Math.sqrt(rv[ch] + eps));
            int[] bshape = new int[s.length];
            Arrays.fill(bshape, 1);
            bshape[1] = c;
            // Differentiable ops with weight and bias as real operands: fine-tuning through a frozen-statistics
            // BN still trains its affine parameters (folding them into constants would cut their gradients).
            Tensor y = Elementwise.mul(Elementwise.sub(x, Tensor.of(rm, bshape)), Tensor.of(invStd, bshape));
            if (weight != null) y = Elementwise.mul(y, weight.reshape(bshape));
            return bias == null ? y : Elementwise.add(y, bias.reshape(bshape));
        }
        return channelNorm(x, n, c, spatial, c, weight, bias, eps, runningMean, runningVar, momentum, false);
    }

    /**
     * Shared kernel: statistics per (sample, group) when perSample, else per channel over the whole
     * batch; then per-channel affine.
     */
    private static Tensor channelNorm(Tensor x, int n, int c, int spatial, int groups, Tensor weight, Tensor bias, float eps,
                                      Tensor runningMean, Tensor runningVar, float momentum, boolean perSample) {
        int[] s = x.shape();
        checkParam(weight, c, "weight");
        checkParam(bias, c, "bias");
        float[] in = x.dataF32();
        float[] w = weight == null ? null : weight.dataF32(), b = bias == null ? null : bias.dataF32();
        int cpg = c / groups;
        int stats = perSample ? n * groups : c;
        double count = perSample ? (double) cpg * spatial : (double) n * spatial;
        float[] mean = new float[stats], rstd = new float[stats];
        Parallel.forRange(stats, 1, (a, z) -> {
            for (int st = a; st < z; st++) {
                double sum = 0, sq = 0;
                for (int[] span : spans(st, perSample, n, c, cpg, spatial)) {
                    for (int i = span[0]; i < span[0] + span[1]; i++) sum += in[i];
                }
                double m = sum / count;
                for (int[] span : spans(st, perSample, n, c, cpg, spatial)) {
                    for (int i = span[0]; i < span[0] + span[1]; i++) {
                        double d = in[i] - m;
                        sq += d * d;
                    }
                }
                mean[st] = (float) m;
                rstd[st] = (float) (1 / Math.sqrt(sq / count + eps));
                if (runningMean != null) {
                    float[] rm = runningMean.dataF32(), rv = runningVar.dataF32();
                    double unbiased = count > 1 ? sq / (count - 1) : sq;
                    rm[st] = (1 - momentum) * rm[st] + momentum * (float) m;
                    rv[st] = (1 - momentum) * rv[st] + momentum * (float) unbiased;
                }
            }
        });
        float[] out = new float[in.length], xhat = new float[in.length];
        for (int i = 0; i < n; i++) {
            for (int ch = 0; ch < c; ch++) {
                int st = perSample ? i * groups + ch / cpg : ch;
                int o = (i * c + ch) * spatial;
                float sc = w == null ? 1f : w[ch], sh = b == null ? 0f : b[ch];
                for (int j = 0; j < spatial; j++) {
                    float h = (in[o + j] - mean[st]) * rstd[st];
                    xhat[o + j] = h;
                    out[o + j] = h * sc + sh;
                }
            }
        }
        return Tensor.of(out, s).recordOp(perSample ? "group_norm" : "batch_norm", new Tensor[] {x, weight, bias}, g -> {
            float[] gd = g.dataF32();
            float[] gx = new float[in.length];
            float[] gw = w == null ? null : new float[c], gb = b == null ? null : new float[c];
            double[] sumDh = new double[stats], sumDhXh = new double[stats];
            for (int i = 0; i < n; i++) {
                for (int ch = 0; ch < c; ch++) {
                    int st = perSample ? i * groups + ch / cpg : ch;
                    int o = (i * c + ch) * spatial;
                    float sc = w == null ? 1f : w[ch];
                    double gwAcc = 0, gbAcc = 0;
                    for (int j = 0; j < spatial; j++) {
                        float dh = gd[o + j] * sc;
                        sumDh[st] += dh;
                        sumDhXh[st] += dh * xhat[o + j];
                        gwAcc += gd[o + j] * xhat[o + j];
                        gbAcc += gd[o + j];
                    }
                    if (gw != null) gw[ch] += (float) gwAcc;
                    if (gb != null) gb[ch] += (float) gbAcc;
                }
            }
            for (int i = 0; i < n; i++) {
                for (int ch = 0; ch < c; ch++) {
                    int st = perSample ? i * groups + ch / cpg : ch;
                    int o = (i * c + ch) * spatial;
                    float sc = w == null ? 1f : w[ch];
                    double m1 = sumDh[st] / count, m2 = sumDhXh[st] / count;
                    for (int j = 0; j < spatial; j++) {
                        gx[o + j] = (float) (rstd[st] * (gd[o + j] * sc - m1 - xhat[o + j] * m2));
                    }
                }
            }
            return new Tensor[] {Tensor.of(gx, s), gw == null ? null : Tensor.of(gw, c), gb == null ? null : Tensor.of(gb, c)};
        });
    }

    /** Contiguous runs [start, length] of the flat input that belong to statistic st. */
    private static int[][] spans(int st, boolean perSample, int n, int c, int cpg, int spatial) {
        if (perSample) {
            int i = st / (c / cpg), grp = st % (c / cpg);
            return new int[][] {{(i * c + grp * cpg) * spatial, cpg * spatial}};
        }
        int[][] r = new int[n][];
        for (int i = 0; i < n; i++) r[i] = new int[] {(i * c + st) * spatial, spatial};
        return r;
    }

    private static void checkParam(Tensor p, int d, String what) {
        if (p != null && p.numel() != d) throw new IllegalArgumentException("norm " + what + " has " + p.numel() + " elements, expected " + d);
    }
}
