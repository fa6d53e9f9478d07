package ai.emu4j.train.lm;

import ai.emu4j.core.autograd.GradMode;
import ai.emu4j.core.tensor.Tensor;
import ai.emu4j.models.llama.LlamaModel;
import ai.emu4j.models.llama.LlamaWeights;
import ai.emu4j.models.llama.SummarySite;

import java.util.List;

/**
 * Sizes a fresh visual summary stem to the token embeddings it is added to. With the default init its
 * summaries came out several times smaller (demo model: mean norm 0.11-0.14 against 0.45-0.63 for the
 * token embeddings), and in two runs the language model had not begun to read them after 200-450 steps:
 * the caption's likelihood was the same with another picture's summary (session 11, lm19 at step 200:
 * 8.99 against 9.00 nats). Scaling the last convolution (weight and bias) until the mean summary norm of
 * a sample of training pictures equals the mean norm of the embedding rows makes the summary as salient
 * as a token from the first step. The pair loss is cosine, so it does not see the scale.
 */
final class SummaryInit {
    private static final int ROUNDS = 4;

    private SummaryInit() {}

    /** Scales weights' stem so the mean norm of the sites' summaries matches the embedding rows'; returns {before, after, target}. */
    static double[] matchEmbeddingNorm(LlamaModel model, LlamaWeights weights, List<SummarySite> sample) {
        if (sample.isEmpty()) throw new IllegalArgumentException("no pictures to size the visual summary stem on");
        LlamaWeights.Summary stem = weights.summary();
        double target = meanRowNorm(weights.embedTokens());
        double before = meanSummaryNorm(model, sample), now = before;
        // GELU is not homogeneous: a few rounds of measure and rescale settle within a fraction of a percent.
        for (int round = 0; round < ROUNDS && now > 0; round++) {
            float f = (float) (target / now);
            scale(stem.conv2Weight(), f);
            scale(stem.conv2Bias(), f);
            now = meanSummaryNorm(model, sample);
        }
        return new double[] {before, now, target};
    }

    private static double meanSummaryNorm(LlamaModel model, List<SummarySite> sample) {
        try (var ng = GradMode.noGrad()) {
            return meanRowNorm(model.summaries(sample));                                      // (K, dim)
        }
    }

    /** Mean L2 norm of the rows of a (n, d) tensor. */
    static double meanRowNorm(Tensor rows) {
        int n = rows.size(0), d = rows.size(1);
        float[] v = rows.contiguous().toFloatArray();
        double sum = 0;
        for (int r = 0; r < n; r++) {
            double s = 0;
            for (int i = 0; i < d; i++) s += (double) v[r * d + i] * v[r * d + i];
            sum += Math.sqrt(s);
        }
        return sum / n;
    }

    private static void scale(Tensor t, float f) {
        float[] a = t.dataF32();
        for (int i = 0; i < a.length; i++) a[i] *= f;
    }
}
