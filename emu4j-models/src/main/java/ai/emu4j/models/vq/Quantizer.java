package ai.emu4j.models.vq;

import ai.emu4j.core.tensor.Tensor;

/**
 * Emu3VisionVQVectorQuantizer: nearest codebook row by d = ||z||^2 + ||e||^2 - 2 z.e, evaluated in
 * float32 in that order as the original does; ties go to the lowest index (torch.argmin). Costs
 * codebook_size * embed_dim multiply-adds per latent cell: 0.5 GFLOP for a 64x64 latent at 32768x4.
 */
final class Quantizer {
    private final Tensor embedding;   // [codebook_size, embed_dim], as in the checkpoint
    private final float[] book;       // the same, dense on the heap (32768 x 4 floats = 512 KB)
    private final float[] bookNorms;  // ||e_j||^2 [codebook_size]
    private final int size, dim;

    Quantizer(Params p, VQConfig c) {
        size = c.codebook_size();
        dim = c.embed_dim();
        embedding = p.take("quantize.embedding.weight", size, dim);
        book = embedding.toFloatArray();
        bookNorms = new float[size];
        for (int j = 0; j < size; j++) {
            float s = 0;
            for (int d = 0; d < dim; d++) s += book[j * dim + d] * book[j * dim + d];
            bookNorms[j] = s;
        }
    }

    /** z [1, e, T, h, w] -> codes in (T, h, w) order. */
    int[] codes(Tensor z) {
        int[] s = z.shape();
        int cells = s[2] * s[3] * s[4];
        float[] zd = z.contiguous().dataF32();                    // channel-major: zd[d * cells + i]
        int[] out = new int[cells];
        float[] v = new float[dim];
        for (int i = 0; i < cells; i++) {
            float zz = 0;
            for (int d = 0; d < dim; d++) {
                v[d] = zd[d * cells + i];
                zz += v[d] * v[d];
            }
            int best = 0;
            float bestD = Float.NaN;
            for (int j = 0; j < size; j++) {
                float dot = 0;
                for (int d = 0; d < dim; d++) dot += v[d] * book[j * dim + d];
                float dist = zz + bookNorms[j] - 2 * dot;
                // Strict '<' keeps the first minimum; a NaN wins once, like torch.argmin.
                if (j == 0 || dist < bestD || Float.isNaN(dist) && !Float.isNaN(bestD)) {
                    best = j;
                    bestD = dist;
                }
            }
            out[i] = best;
        }
        return out;
    }

    /** Codebook rows for codes in (T, h, w) order -> [1, e, T, h, w]. */
    Tensor lookup(int[] codes, int t, int h, int w) {
        int cells = t * h * w;
        float[] out = new float[dim * cells];
        for (int i = 0; i < cells; i++) {
            int code = codes[i];
            if (code < 0 || code >= size) throw new IllegalArgumentException("code " + code + " outside the codebook of " + size + " entries");
            for (int d = 0; d < dim; d++) out[d * cells + i] = book[code * dim + d];
        }
        return Tensor.of(out, 1, dim, t, h, w);
    }
}
