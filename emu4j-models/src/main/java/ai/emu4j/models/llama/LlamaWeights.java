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
        Tensor lmHead,               // (vocab, dim); the same tensor as embedTokens when tied
        Summary summary) {           // null unless config visual_summary

    public LlamaWeights(Tensor embedTokens, List<Layer> layers, Tensor norm, Tensor lmHead) {
        this(embedTokens, layers, norm, lmHead, null);
    }

    /**
     * The visual summary stem (config {@code visual_summary}, this project's addition to Emu3): two 3x3
     * convolutions with GELU over a picture's grid of code embeddings, averaged over the grid into one
     * vector that is added to the input at the picture's end-of-image token. Why: a transformer reading
     * 64 code tokens memorises each training picture, while a pooled convolutional summary, pulled
     * together across the two styles of an emoji, names emoji in a style never seen (tools/demo/code_probe.py).
     */
    public record Summary(
            Tensor conv1Weight,          // (dim, dim, 3, 3)
            Tensor conv1Bias,            // (dim)
            Tensor conv2Weight,          // (dim, dim, 3, 3)
            Tensor conv2Bias) {}         // (dim)

    static final String SUMMARY = "model.visual_summary.";

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
        if (summary != null) {
            m.put(SUMMARY + "conv1.weight", summary.conv1Weight);
            m.put(SUMMARY + "conv1.bias", summary.conv1Bias);
            m.put(SUMMARY + "conv2.weight", summary.conv2Weight);
            m.put(SUMMARY + "conv2.bias", summary.conv2Bias);
        }
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
        if (c.visualSummary()) {
            m.put(SUMMARY + "conv1.weight", new int[] {d, d, 3, 3});
            m.put(SUMMARY + "conv1.bias", new int[] {d});
            m.put(SUMMARY + "conv2.weight", new int[] {d, d, 3, 3});
            m.put(SUMMARY + "conv2.bias", new int[] {d});
        }
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
        Summary summary = c.visualSummary() ? new Summary(t.get(SUMMARY + "conv1.weight"), t.get(SUMMARY + "conv1.bias"),
                t.get(SUMMARY + "conv2.weight"), t.get(SUMMARY + "conv2.bias")) : null;
        return new LlamaWeights(embed, List.copyOf(layers), t.get("model.norm.weight"),
                c.tieWordEmbeddings() ? embed : t.get("lm_head.weight"), summary);
    }

    /**
     * Fresh trainable weights: N(0, 0.02) for matrices (GPT-2/Llama practice), with the residual output
     * projections scaled by 1/sqrt(2 * layers) as in GPT-2 so deep stacks start stable; norms at 1;
     * the summary stem's biases at 0.
     */
    public static LlamaWeights init(LlamaConfig c, Rng rng) {
        Map<String, Tensor> t = new LinkedHashMap<>();
        float residualStd = (float) (0.02 / Math.sqrt(2.0 * c.numHiddenLayers()));
        for (var e : expectedShapes(c).entrySet()) {
            String name = e.getKey();
            int[] shape = e.getValue();
            Tensor w;
            if (name.startsWith(SUMMARY) && name.endsWith(".bias")) {
                w = Tensor.zeros(shape);
            } else if (shape.length == 1) {
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
