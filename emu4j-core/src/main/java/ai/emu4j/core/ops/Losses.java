package ai.emu4j.core.ops;

import ai.emu4j.core.tensor.Tensor;

import java.util.Arrays;

/** Training losses. */
public final class Losses {
    private Losses() {}

    /**
     * Mean cross-entropy of logits (N, C) against integer targets (N). Targets equal to ignoreIndex
     * contribute nothing. With per-token weights (N) each token's loss is scaled by its weight, and the
     * sum is still divided by the number of non-ignored tokens, so weight 0.5 on vision tokens halves
     * their share exactly as Emu3's paper describes. weights may be null.
     */
    public static Tensor crossEntropy(Tensor logits, Tensor targets, Tensor weights, int ignoreIndex) {
        int[] ls = logits.shape();
        if (ls.length != 2) throw new IllegalArgumentException("crossEntropy wants logits (N, C), got " + Arrays.toString(ls));
        int n = ls[0], c = ls[1];
        int[] t = targets.toIntArray();
        if (t.length != n) throw new IllegalArgumentException("crossEntropy: " + n + " rows of logits but " + t.length + " targets");
        float[] w = weights == null ? null : weights.dataF32();
        if (w != null && w.length != n) throw new IllegalArgumentException("crossEntropy: " + n + " rows but " + w.length + " weights");
        Tensor logp = Softmax.logSoftmax(logits.detach(), 1);
        float[] lp = logp.dataF32();
        double total = 0;
        int count = 0;
        for (int i = 0; i < n; i++) {
            if (t[i] == ignoreIndex) continue;
            if (t[i] < 0 || t[i] >= c) throw new IllegalArgumentException("target " + t[i] + " at row " + i + " outside [0, " + c + ")");
            total -= (w == null ? 1 : w[i]) * lp[i * c + t[i]];
            count++;
        }
        final int cnt = count;
        float loss = count == 0 ? Float.NaN : (float) (total / count);
        // weights are an input too: when they are trainable they get d loss / d w_i = nll_i / count, as in PyTorch.
        return Tensor.scalar(loss).recordOp("cross_entropy", new Tensor[] {logits, weights}, g -> {
            float scale = g.item() / cnt;
            float[] gx = new float[n * c];
            float[] gw = weights != null && weights.requiresGrad() ? new float[n] : null;
            for (int i = 0; i < n; i++) {
                if (t[i] == ignoreIndex) continue;
                float wi = (w == null ? 1 : w[i]) * scale;
                for (int j = 0; j < c; j++) gx[i * c + j] = (float) Math.exp(lp[i * c + j]) * wi;
                gx[i * c + t[i]] -= wi;
                if (gw != null) gw[i] = -lp[i * c + t[i]] * scale;
            }
            return new Tensor[] {Tensor.of(gx, ls), gw == null ? null : Tensor.of(gw, weights.shape())};
        });
    }

    public static Tensor mse(Tensor a, Tensor b) {
        Tensor d = Elementwise.sub(a, b);
        return Reduce.mean(Elementwise.mul(d, d));
    }

    public static Tensor l1(Tensor a, Tensor b) {
        return Reduce.mean(Unary.abs(Elementwise.sub(a, b)));
    }
}
