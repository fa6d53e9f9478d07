package ai.emu4j.models.llama;

import ai.emu4j.core.ops.Attention;
import ai.emu4j.core.ops.Dropout;
import ai.emu4j.core.ops.Indexing;
import ai.emu4j.core.ops.KVCache;
import ai.emu4j.core.ops.Linalg;
import ai.emu4j.core.ops.Norms;
import ai.emu4j.core.ops.Rope;
import ai.emu4j.core.ops.Unary;
import ai.emu4j.core.tensor.Tensor;
import ai.emu4j.core.util.Rng;

/**
 * A Llama-style decoder: pre-norm blocks of RMSNorm, grouped-query attention with rotate-half RoPE,
 * and a SwiGLU MLP; final RMSNorm and an (optionally tied) LM head. The same forward serves training
 * (autograd on, whole sequences) and inference (no-grad, with per-layer KV caches).
 */
public final class LlamaModel {
    private final LlamaConfig config;
    private final LlamaWeights weights;

    public LlamaModel(LlamaConfig config, LlamaWeights weights) {
        this.config = config;
        this.weights = weights;
    }

    public LlamaConfig config() {
        return config;
    }

    public LlamaWeights weights() {
        return weights;
    }

    /** One KV cache per layer, sized for {@code capacity} positions of a batch. */
    public KVCache[] newCaches(int batch, int capacity) {
        KVCache[] caches = new KVCache[config.numHiddenLayers()];
        for (int i = 0; i < caches.length; i++) caches[i] = new KVCache(batch, config.numKeyValueHeads(), capacity, config.headDim());
        return caches;
    }

    /**
     * Runs ids (B, T) whose first position is {@code startPos} (the number of positions already in the
     * caches, 0 without caches). Returns the final hidden states (B, T, dim); use {@link #logits} on the
     * rows you need so that prefill does not pay for a vocab-sized product at every position.
     *
     * @param caches  per-layer KV caches, or null to attend only within ids (training)
     * @param dropout residual dropout probability (config attention_dropout in training, 0 at inference)
     * @param rng     dropout randomness; may be null when dropout is 0
     */
    public Tensor forward(Tensor ids, int startPos, KVCache[] caches, float dropout, Rng rng) {
        int[] s = ids.shape();
        int b = s[0], t = s[1];
        int nh = config.numAttentionHeads(), nkv = config.numKeyValueHeads(), hd = config.headDim();
        if (startPos + t > config.maxPositionEmbeddings()) {
            throw new IllegalArgumentException("sequence of " + (startPos + t) + " positions exceeds max_position_embeddings " + config.maxPositionEmbeddings());
        }
        int[] positions = new int[t];
        for (int i = 0; i < t; i++) positions[i] = startPos + i;
        Tensor[] rope = Rope.tables(positions, hd, config.ropeTheta(), config.ropeFactor());   // cos, sin: (T, hd/2)
        float scale = (float) (1 / Math.sqrt(hd));
        boolean training = dropout > 0;

        Tensor x = Indexing.embedding(weights.embedTokens(), ids);                           // (B, T, dim)
        for (int l = 0; l < config.numHiddenLayers(); l++) {
            LlamaWeights.Layer w = weights.layers().get(l);
            // attention
            Tensor h = Norms.rmsNorm(x, w.inputLayernorm(), config.rmsNormEps().floatValue()); // (B, T, dim)
            Tensor q = Linalg.linear(h, w.qProj(), null).reshape(b, t, nh, hd).transpose(1, 2);   // (B, nh, T, hd)
            Tensor k = Linalg.linear(h, w.kProj(), null).reshape(b, t, nkv, hd).transpose(1, 2);  // (B, nkv, T, hd)
            Tensor v = Linalg.linear(h, w.vProj(), null).reshape(b, t, nkv, hd).transpose(1, 2);  // (B, nkv, T, hd)
            q = Rope.apply(q, rope[0], rope[1], false);
            k = Rope.apply(k, rope[0], rope[1], false);
            if (caches != null) {
                Tensor[] kv = caches[l].append(k, v);                                         // (B, nkv, S, hd) each
                k = kv[0];
                v = kv[1];
            }
            Tensor a = Attention.sdpa(q, k, v, null, true, scale);                            // (B, nh, T, hd)
            a = a.transpose(1, 2).reshape(b, t, nh * hd);                                     // (B, T, nh*hd)
            x = x.add(Dropout.dropout(Linalg.linear(a, w.oProj(), null), dropout, training, rng));
            // SwiGLU MLP
            h = Norms.rmsNorm(x, w.postAttentionLayernorm(), config.rmsNormEps().floatValue());
            Tensor gate = Unary.silu(Linalg.linear(h, w.gateProj(), null));                  // (B, T, ffn)
            Tensor up = Linalg.linear(h, w.upProj(), null);                                   // (B, T, ffn)
            x = x.add(Dropout.dropout(Linalg.linear(gate.mul(up), w.downProj(), null), dropout, training, rng)); // (B, T, dim)
        }
        return Norms.rmsNorm(x, weights.norm(), config.rmsNormEps().floatValue());          // (B, T, dim)
    }

    /** Logits (..., vocab) for hidden states (..., dim). */
    public Tensor logits(Tensor hidden) {
        return Linalg.linear(hidden, weights.lmHead(), null);
    }
}
