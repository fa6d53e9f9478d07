package ai.emu4j.models.llama;

import ai.emu4j.core.ops.Attention;
import ai.emu4j.core.ops.ConvOps;
import ai.emu4j.core.ops.Dropout;
import ai.emu4j.core.ops.Indexing;
import ai.emu4j.core.ops.KVCache;
import ai.emu4j.core.ops.Linalg;
import ai.emu4j.core.ops.Norms;
import ai.emu4j.core.ops.Reduce;
import ai.emu4j.core.ops.Rope;
import ai.emu4j.core.ops.Unary;
import ai.emu4j.core.tensor.Tensor;
import ai.emu4j.core.util.Rng;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Llama-style decoder: pre-norm blocks of RMSNorm, grouped-query attention with rotate-half RoPE,
 * and a SwiGLU MLP; final RMSNorm and an (optionally tied) LM head. The same forward serves training
 * (autograd on, whole sequences) and inference (no-grad, with per-layer KV caches).
 */
public final class LlamaModel {
    private final LlamaConfig config;
    private final LlamaWeights weights;
    private final SummarySite.Finder finder;
    private final float summaryNoise;

    public LlamaModel(LlamaConfig config, LlamaWeights weights) {
        this(config, weights, null, 0f);
    }

    private LlamaModel(LlamaConfig config, LlamaWeights weights, SummarySite.Finder finder, float summaryNoise) {
        if (config.visualSummary() != (weights.summary() != null)) {
            throw new IllegalArgumentException("config visual_summary is " + config.visualSummary() + " but the weights " + (weights.summary() != null ? "have" : "lack") + " the summary stem");
        }
        this.config = config;
        this.weights = weights;
        this.finder = finder;
        this.summaryNoise = summaryNoise;
    }

    /**
     * This model, finding the pictures to summarise in every row of ids that {@link #forward(Tensor, int,
     * KVCache[], float, Rng)} runs (the sequence grammar that says where a picture is belongs to the
     * model family, not to this decoder).
     */
    public LlamaModel withSummarySites(SummarySite.Finder f) {
        return new LlamaModel(config, weights, f, summaryNoise);
    }

    /**
     * This model, adding Gaussian noise to every summary the decoder reads in a forward call given an Rng
     * (training; inference passes none): per summary, standard deviation {@code sigma} times the summary's
     * root mean square, drawn from that Rng. Why: a read-out that has only seen the exact summaries of its
     * training pictures memorises them; noise makes it answer alike for a neighbourhood, which is where
     * an unseen style of the same emoji lands. The summaries {@link #summaries(List)} returns are noiseless.
     */
    public LlamaModel withSummaryNoise(float sigma) {
        if (!(sigma >= 0) || Float.isInfinite(sigma)) throw new IllegalArgumentException("summary noise must be finite and >= 0, got " + sigma);
        return new LlamaModel(config, weights, finder, sigma);
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
        return forward(ids, sites(ids), startPos, caches, dropout, rng);
    }

    /** The pictures the finder sees in ids (B, T); none without the summary stem. */
    public List<SummarySite> sites(Tensor ids) {
        if (weights.summary() == null) return List.of();
        if (finder == null) throw new IllegalStateException("visual_summary needs a finder of pictures in the sequence (withSummarySites)");
        int b = ids.size(0), t = ids.size(1);
        int[] all = ids.toIntArray();
        List<SummarySite> out = new ArrayList<>();
        for (int r = 0; r < b; r++) out.addAll(finder.find(r, Arrays.copyOfRange(all, r * t, (r + 1) * t)));
        return out;
    }

    /**
     * As {@link #forward(Tensor, int, KVCache[], float, Rng)} with the pictures to summarise given: a
     * trainer that hides a picture's codes from the sequence still summarises them.
     */
    public Tensor forward(Tensor ids, List<SummarySite> sites, int startPos, KVCache[] caches, float dropout, Rng rng) {
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
        if (!sites.isEmpty()) x = x.add(summaries(sites, b, t, rng));
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

    /**
     * (B, T, dim): each site's summary at its position, zeros elsewhere. Built as a product with a 0/1
     * placement matrix so the gradient reaches the stem through the ordinary matmul backward.
     */
    private Tensor summaries(List<SummarySite> sites, int b, int t, Rng rng) {
        int k = sites.size();
        float[] place = new float[Math.multiplyExact(Math.multiplyExact(b, t), k)];
        for (int i = 0; i < k; i++) {
            SummarySite site = sites.get(i);
            if (site.row() < 0 || site.row() >= b || site.position() < 0 || site.position() >= t) {
                throw new IllegalArgumentException("summary site at row " + site.row() + ", position " + site.position() + " is outside (" + b + ", " + t + ")");
            }
            place[(site.row() * t + site.position()) * k + i] = 1f;
        }
        Tensor s = summaries(sites);                                                         // (K, dim)
        if (summaryNoise > 0 && rng != null) s = s.add(noise(s, rng));
        return Linalg.matmul(Tensor.of(place, b * t, k), s).reshape(b, t, config.hiddenSize());
    }

    /** (K, dim) constant noise: row i ~ N(0, (summaryNoise * rms(s_i))^2), drawn row by row. */
    private Tensor noise(Tensor s, Rng rng) {
        int k = s.size(0), d = s.size(1);
        float[] v = s.toFloatArray(), out = new float[v.length];
        for (int i = 0; i < k; i++) {
            double sq = 0;
            for (int j = 0; j < d; j++) sq += (double) v[i * d + j] * v[i * d + j];
            float sd = summaryNoise * (float) Math.sqrt(sq / d);
            for (int j = 0; j < d; j++) out[i * d + j] = sd * rng.nextGaussian();
        }
        return Tensor.of(out, k, d);
    }

    /**
     * The sites' summaries (K, dim), in their order. Sites of one grid size run through the stem as one
     * batch: per site, the convolutions on an 8x8 grid are too small to keep the cores busy.
     */
    public Tensor summaries(List<SummarySite> sites) {
        Map<List<Integer>, List<Integer>> byGrid = new LinkedHashMap<>();
        for (int i = 0; i < sites.size(); i++) byGrid.computeIfAbsent(List.of(sites.get(i).height(), sites.get(i).width()), g -> new ArrayList<>()).add(i);
        Tensor[] parts = new Tensor[byGrid.size()];
        int[] order = new int[sites.size()];
        int p = 0, n = 0;
        for (List<Integer> group : byGrid.values()) {
            List<SummarySite> same = group.stream().map(sites::get).toList();
            parts[p++] = stem(same);                                                          // (K_g, dim)
            for (int i : group) order[n++] = i;
        }
        Tensor grouped = parts.length == 1 ? parts[0] : Indexing.cat(parts, 0);             // (K, dim), grouped order
        boolean inOrder = true;
        for (int i = 0; i < order.length; i++) inOrder &= order[i] == i;
        if (inOrder) return grouped;
        float[] perm = new float[order.length * order.length];                              // row order[j] takes grouped row j
        for (int j = 0; j < order.length; j++) perm[order[j] * order.length + j] = 1f;
        return Linalg.matmul(Tensor.of(perm, order.length, order.length), grouped);
    }

    /** The stem over pictures of one grid size: (K, dim). */
    private Tensor stem(List<SummarySite> same) {
        LlamaWeights.Summary w = weights.summary();
        int k = same.size(), h = same.get(0).height(), wd = same.get(0).width(), d = config.hiddenSize();
        int[] ids = new int[k * h * wd];
        for (int i = 0; i < k; i++) System.arraycopy(same.get(i).codes(), 0, ids, i * h * wd, h * wd);
        Tensor g = Indexing.embedding(weights.embedTokens(), Tensor.ofInts(ids, k, h * wd))  // (K, h*w, dim)
                .transpose(1, 2).contiguous().reshape(k, d, h, wd);                          // (K, dim, h, w)
        g = Unary.gelu(ConvOps.conv2d(g, w.conv1Weight(), w.conv1Bias(), 1, 1, 1, 1));       // (K, dim, h, w)
        g = Unary.gelu(ConvOps.conv2d(g, w.conv2Weight(), w.conv2Bias(), 1, 1, 1, 1));       // (K, dim, h, w)
        return Reduce.mean(g.reshape(k, d, h * wd), 2, false);                               // (K, dim)
    }

    /**
     * Logits (..., vocab) the output head reads from residual-stream vectors (..., dim), through the final
     * norm as {@link #forward} ends: what a summary "says" if carried unchanged to an answer position.
     */
    public Tensor readOut(Tensor residual) {
        return logits(Norms.rmsNorm(residual, weights.norm(), config.rmsNormEps().floatValue()));
    }

    /** Logits (..., vocab) for hidden states (..., dim). */
    public Tensor logits(Tensor hidden) {
        return Linalg.linear(hidden, weights.lmHead(), null);
    }
}
