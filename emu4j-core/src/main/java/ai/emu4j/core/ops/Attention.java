package ai.emu4j.core.ops;

import ai.emu4j.core.tensor.Tensor;

import java.util.Arrays;

/**
 * Scaled dot-product attention built from differentiable pieces, so its gradient is exactly the
 * composition of matmul and softmax gradients. Grouped-query heads are handled by folding the query
 * heads that share a KV head into the row dimension, so K and V are never repeated in memory.
 */
public final class Attention {
    private Attention() {}

    /**
     * q (B, Hq, T, D), k (B, Hkv, S, D), v (B, Hkv, S, Dv) with Hq a multiple of Hkv. With causal,
     * query t may see keys up to t + (S - T), which is what a KV cache holding S - T earlier
     * positions needs. mask, if given, is additive (0 or -inf, or any bias) and broadcasts to
     * (B, Hq, T, S). Returns (B, Hq, T, Dv).
     */
    public static Tensor sdpa(Tensor q, Tensor k, Tensor v, Tensor mask, boolean causal, float scale) {
        int[] qs = q.shape(), ks = k.shape(), vs = v.shape();
        if (qs.length != 4 || ks.length != 4 || vs.length != 4) throw new IllegalArgumentException("sdpa wants rank-4 q, k, v");
        int b = qs[0], hq = qs[1], t = qs[2], d = qs[3];
        int hkv = ks[1], s = ks[2];
        if (ks[0] != b || vs[0] != b || ks[3] != d || vs[1] != hkv || vs[2] != s || hkv == 0 || hq % hkv != 0) {
            throw new IllegalArgumentException("sdpa shapes q " + Arrays.toString(qs) + " k " + Arrays.toString(ks) + " v " + Arrays.toString(vs));
        }
        int group = hq / hkv;
        if (causal && mask == null && s >= t && t >= 2 * CAUSAL_BLOCK) return blockedCausal(q, k, v, scale, group);
        Tensor qg = q.reshape(b, hkv, group * t, d);                                  // (B, Hkv, G*T, D)
        Tensor scores = Linalg.matmul(qg, k.transpose(-1, -2));                        // (B, Hkv, G*T, S)
        scores = Elementwise.mulScalar(scores, scale).reshape(b, hq, t, s);            // (B, Hq, T, S)
        if (mask != null) scores = Elementwise.add(scores, mask);
        Tensor p = causal ? Softmax.causal(scores, s - t) : Softmax.softmax(scores, -1); // (B, Hq, T, S)
        Tensor out = Linalg.matmul(p.reshape(b, hkv, group * t, s), v);               // (B, Hkv, G*T, Dv)
        return out.reshape(b, hq, t, vs[3]);
    }

    /** Query rows per block of {@link #blockedCausal}. */
    static final int CAUSAL_BLOCK = 128;

    /**
     * Causal attention over long queries, one block of CAUSAL_BLOCK queries at a time against only the keys
     * it may see (up to its last query's position): at the demo's 768-token rows the score and value
     * products do 21/36 of the full square's work, where the plain path computes every masked score and
     * multiplies its zero probability into V. Same maths as the plain path (which the PyTorch fixtures
     * check); the blocks cost a copy of q's slices and one concatenation of the outputs.
     */
    private static Tensor blockedCausal(Tensor q, Tensor k, Tensor v, float scale, int group) {
        int b = q.size(0), hq = q.size(1), t = q.size(2), d = q.size(3), hkv = k.size(1), s = k.size(2), dv = v.size(3);
        int offset = s - t;
        Tensor[] blocks = new Tensor[(t + CAUSAL_BLOCK - 1) / CAUSAL_BLOCK];
        for (int i = 0, t0 = 0; t0 < t; i++, t0 += CAUSAL_BLOCK) {
            int t1 = Math.min(t, t0 + CAUSAL_BLOCK), rows = t1 - t0, keys = t1 + offset;
            Tensor qb = q.slice(2, t0, t1).contiguous().reshape(b, hkv, group * rows, d); // (B, Hkv, G*rows, D)
            Tensor kb = k.slice(2, 0, keys), vb = v.slice(2, 0, keys);                    // (B, Hkv, keys, D|Dv)
            Tensor scores = Linalg.matmul(qb, kb.transpose(-1, -2));                       // (B, Hkv, G*rows, keys)
            scores = Elementwise.mulScalar(scores, scale).reshape(b, hq, rows, keys);     // (B, Hq, rows, keys)
            Tensor p = Softmax.causal(scores, t0 + offset);                               // (B, Hq, rows, keys)
            blocks[i] = Linalg.matmul(p.reshape(b, hkv, group * rows, keys), vb).reshape(b, hq, rows, dv);
        }
        return Indexing.cat(blocks, 2);                                                   // (B, Hq, T, Dv)
    }
}
