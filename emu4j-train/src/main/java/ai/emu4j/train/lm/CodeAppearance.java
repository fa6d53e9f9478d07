package ai.emu4j.train.lm;

import ai.emu4j.core.tensor.Tensor;
import ai.emu4j.core.util.Rng;
import ai.emu4j.models.emu3.VisionTokens;
import ai.emu4j.models.vq.Emu3VisionVQ;

import java.util.Arrays;

/**
 * Input embeddings of the visual tokens made from what each code looks like ({@code train lm
 * --visual-init appearance}): code c's features are the 4x4 RGB thumbnail (48 numbers) of the picture the
 * vision tokenizer decodes from a 2x2 grid of c alone; they are standardised over the codebook and sent
 * through a fixed Gaussian projection to the hidden size, at the 0.02 standard deviation of the random
 * initialisation. Codes that look alike then start with embeddings that are alike (a random projection
 * keeps distances roughly, Johnson-Lindenstrauss).
 * <p>
 * Why: with random rows, a code's embedding is shaped only by the captions it occurred with, so the codes
 * of one emoji style carry no hint that a code of the other style paints the same orange. The session-5
 * demo named a held-out Noto lion "broccoli". Cost: one decode of codebook_size 16x16 pictures, batched.
 */
final class CodeAppearance {
    static final int GRID = 2, THUMB = 4, FEATURES = 3 * THUMB * THUMB;
    private static final int BATCH = 64;

    private CodeAppearance() {}

    /** (codebook_size, FEATURES): each code's decoded thumbnail, pixels roughly in [-1, 1]. */
    static float[][] features(Emu3VisionVQ vq) {
        int n = vq.config().codebook_size();
        float[][] out = new float[n][];
        for (int start = 0; start < n; start += BATCH) {
            int b = Math.min(BATCH, n - start);
            int[] codes = new int[b * GRID * GRID];
            for (int i = 0; i < b; i++) Arrays.fill(codes, i * GRID * GRID, (i + 1) * GRID * GRID, start + i);
            Tensor pictures = vq.decodeImages(Tensor.ofInts(codes, b, GRID, GRID));          // (b, 3, H, W)
            int h = pictures.size(2), w = pictures.size(3);
            float[] px = pictures.contiguous().toFloatArray();
            for (int i = 0; i < b; i++) out[start + i] = thumbnail(px, i * 3 * h * w, h, w);
        }
        return out;
    }

    /** Mean of each THUMB x THUMB cell of one (3, h, w) picture, channel-major. */
    static float[] thumbnail(float[] px, int offset, int h, int w) {
        float[] f = new float[FEATURES];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    f[(c * THUMB + y * THUMB / h) * THUMB + x * THUMB / w] += px[offset + (c * h + y) * w + x];
                }
            }
        }
        float cell = (float) h * w / (THUMB * THUMB);
        for (int i = 0; i < FEATURES; i++) f[i] /= cell;
        return f;
    }

    /**
     * Overwrites the visual tokens' rows of embed (vocab, hidden) with the projected features; other rows
     * are left alone. The projection is drawn from rng.
     */
    static void initRows(Tensor embed, VisionTokens tokens, float[][] features, Rng rng) {
        int hidden = embed.size(1), n = features.length, k = features[0].length;
        if (n != tokens.codebookSize()) throw new IllegalArgumentException(n + " code features for " + tokens.codebookSize() + " visual tokens");
        double[] mean = new double[k];
        for (float[] f : features) for (int j = 0; j < k; j++) mean[j] += f[j] / n;
        double var = 0;
        for (float[] f : features) for (int j = 0; j < k; j++) var += (f[j] - mean[j]) * (f[j] - mean[j]);
        // Standardised features have unit variance per entry, so each output entry has variance about 1 over
        // k terms of variance 1 / k after dividing by sqrt(k): times 0.02 matches the random rows.
        double scale = 1 / Math.sqrt(Math.max(var / ((double) n * k), 1e-12)) * 0.02 / Math.sqrt(k);
        float[] proj = new float[k * hidden];
        for (int i = 0; i < proj.length; i++) proj[i] = rng.nextGaussian();
        float[] w = embed.dataF32();
        double[] z = new double[k];
        for (int code = 0; code < n; code++) {
            for (int j = 0; j < k; j++) z[j] = (features[code][j] - mean[j]) * scale;
            int row = tokens.visualId(code) * hidden;
            for (int d = 0; d < hidden; d++) {
                double s = 0;
                for (int j = 0; j < k; j++) s += z[j] * proj[j * hidden + d];
                w[row + d] = (float) s;
            }
        }
    }
}
