package ai.emu4j.models.llama;

import ai.emu4j.core.tensor.Tensor;
import ai.emu4j.core.util.Rng;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ArrayList;

/**
 * Every weight of a Llama-style decoder, named as in Hugging Face checkpoints. Tensors may be heap
 * F32 (training) or mapped F16/BF16/F32 slices of safetensors files (inference).
 */
public record LlamaWeights(
        Tensor embedTokens,          // (vocab, dim)
        List<Layer> layers,
        Tensor norm,                 // (dim)
        Tensor lmHead) {             // (vocab, dim); the same tensor as embedTokens when tied

    public record Layer(
            Tensor inputLayernorm,         // (dim)
            Tensor qProj,                  // (n_heads * head_dim, dim)
            Tensor kProj,                  // (n_kv_heads * head_dim, dim)
            Tensor vProj,                  // (n_kv_heads * head_dim, dim)
            Tensor oProj,                  // (dim, n_heads * head_dim)
            Tensor postAttentionLayernorm, // (dim)
            Tensor gateProj,               // (ffn, dim)
            Tensor upProj,                 // (ffn, dim)
            Tensor downProj) {}            // (dim, ffn)

    /** Hugging Face names, e.g. model.layers.3.self_attn.q_proj.weight; tied heads are listed once. */
    public Map<String, Tensor> named() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("model.embed_tokens.weight", embedTokens);
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            String p = "model.layers." + i + ".";
            m.put(p + "input_layernorm.weight", l.inputLayernorm);
            m.put(p + "self_attn.q_proj.weight", l.qProj);
            m.put(p + "self_attn.k_proj.weight", l.kProj);
            m.put(p + "self_attn.v_proj.weight", l.vProj);
            m.put(p + "self_attn.o_proj.weight", l.oProj);
            m.put(p + "post_attention_layernorm.weight", l.postAttentionLayernorm);
            m.put(p + "mlp.gate_proj.weight", l.gateProj);
            m.put(p + "mlp.up_proj.weight", l.upProj);
            m.put(p + "mlp.down_proj.weight", l.downProj);
        }
        m.put("model.norm.weight", norm);
        if (lmHead != embedTokens) m.put("lm_head.weight", lmHead);
        return m;
    }

    /** Expected shape of every named tensor for a config. */
    public static Map<String, int[]> expectedShapes(LlamaConfig c) {
        Map<String, int[]> m = new LinkedHashMap<>();
        int d = c.hiddenSize(), q = c.numAttentionHeads() * c.headDim(), kv = c.numKeyValueHeads() * c.headDim(), f = c.intermediateSize();
        m.put("model.embed_tokens.weight", new int[] {c.vocabSize(), d});
        for (int i = 0; i < c.numHiddenLayers(); i++) {
            String p = "model.layers." + i + ".";
            m.put(p + "input_layernorm.weight", new int[] {d});
            m.put(p + "self_attn.q_proj.weight", new int[] {q, d});
            m.put(p + "self_attn.k_proj.weight", new int[] {kv, d});
            m.put(p + "self_attn.v_proj.weight", new int[] {kv, d});
            m.put(p + "self_attn.o_proj.weight", new int[] {d, q});
            m.put(p + "post_attention_layernorm.weight", new int[] {d});
            m.put(p + "mlp.gate_proj.weight", new int[] {f, d});
            m.put(p + "mlp.up_proj.weight", new int[] {f, d});
            m.put(p + "mlp.down_proj.weight", new int[] {d, f});
        }
        m.put("model.norm.weight", new int[] {d});
        if (!c.tieWordEmbeddings()) m.put("lm_head.weight", new int[] {c.vocabSize(), d});
        return m;
    }

    /** Builds from a name -> tensor map (shapes already checked by the loader). */
    public static LlamaWeights fromNamed(LlamaConfig c, Map<String, Tensor> t) {
        List<Layer> layers = new ArrayList<>();
        for (int i = 0; i < c.numHiddenLayers(); i++) {
            String p = "model.layers." + i + ".";
            layers.add(new Layer(t.get(p + "input_layernorm.weight"), t.get(p + "self_attn.q_proj.weight"),
                    t.get(p + "self_attn.k_proj.weight"), t.get(p + "self_attn.v_proj.weight"), t.get(p + "self_attn.o_proj.weight"),
                    t.get(p + "post_attention_layernorm.weight"), t.get(p + "mlp.gate_proj.weight"), t.get(p + "mlp.up_proj.weight"),
                    t.get(p + "mlp.down_proj.weight")));
        }
        Tensor embed = t.get("model.embed_tokens.weight");
        return new LlamaWeights(embed, List.copyOf(layers), t.get("model.norm.weight"),
                c.tieWordEmbeddings() ? embed : t.get("lm_head.weight"));
    }

    /**
     * Fresh trainable weights: N(0, 0.02) for matrices (GPT-2/Llama practice), with the residual output
     * projections scaled by 1/sqrt(2 * layers) as in GPT-2 so deep stacks start stable; norms at 1.
     */
    public static LlamaWeights init(LlamaConfig c, Rng rng) {
        Map<String, Tensor> t = new LinkedHashMap<>();
        float residualStd = (float) (0.02 / Math.sqrt(2.0 * c.numHiddenLayers()));
        for (var e : expectedShapes(c).entrySet()) {
            String name = e.getKey();
            int[] shape = e.getValue();
            Tensor w;
            if (shape.length == 1) {
                w = Tensor.ones(shape);
            } else {
                float std = name.endsWith("o_proj.weight") || name.endsWith("down_proj.weight") ? residualStd : 0.02f;
                w = Tensor.randn(rng, shape).mul(std).detach();
            }
            t.put(name, w.requiresGrad(true));
        }
        return fromNamed(c, t);
    }
}
