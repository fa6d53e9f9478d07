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
        Tensor qg = q.reshape(b, hkv, group * t, d);                                  // (B, Hkv, G*T, D)
        Tensor scores = Linalg.matmul(qg, k.transpose(-1, -2));                        // (B, Hkv, G*T, S)
        scores = Elementwise.mulScalar(scores, scale).reshape(b, hq, t, s);            // (B, Hq, T, S)
        if (mask != null) scores = Elementwise.add(scores, mask);
        Tensor p = causal ? Softmax.causal(scores, s - t) : Softmax.softmax(scores, -1); // (B, Hq, T, S)
        Tensor out = Linalg.matmul(p.reshape(b, hkv, group * t, s), v);               // (B, Hkv, G*T, Dv)
        return out.reshape(b, hq, t, vs[3]);
    }
}
