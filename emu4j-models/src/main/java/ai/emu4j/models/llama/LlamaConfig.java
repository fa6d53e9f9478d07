package ai.emu4j.models.llama;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The fields of a Llama-family config.json that change the maths (Emu3, MobileLLaMA, Llama 2/3,
 * Qwen2 share them). Unknown fields are ignored; a present field with a wrong type is an error.
 * head_dim defaults to hidden_size / num_attention_heads as in transformers. visual_summary is this
 * project's own (no published checkpoint has it; absent means false): see {@link LlamaWeights.Summary}.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record LlamaConfig(
        @JsonProperty("hidden_size") int hiddenSize,
        @JsonProperty("num_hidden_layers") int numHiddenLayers,
        @JsonProperty("num_attention_heads") int numAttentionHeads,
        @JsonProperty("num_key_value_heads") Integer numKeyValueHeads,
        @JsonProperty("intermediate_size") int intermediateSize,
        @JsonProperty("vocab_size") int vocabSize,
        @JsonProperty("rope_theta") Double ropeTheta,
        @JsonProperty("rope_scaling") Map<String, Object> ropeScaling,
        @JsonProperty("rms_norm_eps") Double rmsNormEps,
        @JsonProperty("tie_word_embeddings") Boolean tieWordEmbeddings,
        @JsonProperty("max_position_embeddings") int maxPositionEmbeddings,
        @JsonProperty("head_dim") Integer headDim,
        @JsonProperty("hidden_act") String hiddenAct,
        @JsonProperty("attention_dropout") Double attentionDropout,
        @JsonProperty("visual_summary") Boolean visualSummary) {

    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    public LlamaConfig {
        if (numKeyValueHeads == null) numKeyValueHeads = numAttentionHeads;
        if (ropeTheta == null) ropeTheta = 10000.0;
        if (rmsNormEps == null) rmsNormEps = 1e-6;
        if (tieWordEmbeddings == null) tieWordEmbeddings = false;
        if (hiddenAct == null) hiddenAct = "silu";
        if (attentionDropout == null) attentionDropout = 0.0;
        if (visualSummary == null) visualSummary = false;
        if (headDim == null && numAttentionHeads > 0) headDim = hiddenSize / numAttentionHeads;
        positive("hidden_size", hiddenSize);
        positive("num_hidden_layers", numHiddenLayers);
        positive("num_attention_heads", numAttentionHeads);
        positive("num_key_value_heads", numKeyValueHeads);
        positive("intermediate_size", intermediateSize);
        positive("vocab_size", vocabSize);
        positive("max_position_embeddings", maxPositionEmbeddings);
        positive("head_dim", headDim);
        if (numAttentionHeads % numKeyValueHeads != 0) {
            throw new IllegalArgumentException("config: num_attention_heads " + numAttentionHeads + " is not a multiple of num_key_value_heads " + numKeyValueHeads);
        }
        if (headDim % 2 != 0) throw new IllegalArgumentException("config: head_dim " + headDim + " must be even for rotary embeddings");
        if (!hiddenAct.equals("silu")) throw new IllegalArgumentException("config: hidden_act '" + hiddenAct + "' is not supported (only silu / SwiGLU)");
        if (!(ropeTheta > 0)) throw new IllegalArgumentException("config: rope_theta must be positive, got " + ropeTheta);
        if (!(rmsNormEps > 0)) throw new IllegalArgumentException("config: rms_norm_eps must be positive, got " + rmsNormEps);
        if (ropeScaling != null) ropeLinearFactor(ropeScaling);
    }

    private static void positive(String name, Integer v) {
        if (v == null || v <= 0) throw new IllegalArgumentException("config: " + name + " must be a positive integer, got " + v);
    }

    /**
     * The divisor applied to positions. Only "linear" scaling (or none) is implemented; any other type
     * is refused rather than silently ignored, since ignoring it changes every logit.
     */
    static double ropeLinearFactor(Map<String, Object> scaling) {
        if (scaling == null) return 1.0;
        Object type = scaling.getOrDefault("rope_type", scaling.get("type"));
        if (!"linear".equals(type)) throw new IllegalArgumentException("config: rope_scaling type '" + type + "' is not supported (only linear)");
        Object f = scaling.get("factor");
        if (!(f instanceof Number n) || !(n.doubleValue() > 0)) throw new IllegalArgumentException("config: rope_scaling.factor must be a positive number, got " + f);
        return n.doubleValue();
    }

    public double ropeFactor() {
        return ropeLinearFactor(ropeScaling);
    }

    public static LlamaConfig read(Path configJson) throws IOException {
        try {
            return JSON.readValue(Files.readAllBytes(configJson), LlamaConfig.class);
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new IOException(configJson.getFileName() + ": " + e.getOriginalMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new IOException(configJson.getFileName() + ": " + e.getMessage(), e);
        }
    }

    /** A small config for tests, training from scratch and benchmarks. */
    public static LlamaConfig small(int vocab, int hidden, int layers, int heads, int kvHeads, int ffn, int maxPos) {
        return new LlamaConfig(hidden, layers, heads, kvHeads, ffn, vocab, 10000.0, null, 1e-5, false, maxPos, null, "silu", 0.0, false);
    }

    /** The same config with the visual summary stem on or off. */
    public LlamaConfig withVisualSummary(boolean on) {
        return new LlamaConfig(hiddenSize, numHiddenLayers, numAttentionHeads, numKeyValueHeads, intermediateSize, vocabSize, ropeTheta, ropeScaling,
                rmsNormEps, tieWordEmbeddings, maxPositionEmbeddings, headDim, hiddenAct, attentionDropout, on);
    }
}
