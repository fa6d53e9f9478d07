package ai.emu4j.api;

import ai.emu4j.models.emu3.Decoding;

/**
 * Decoding knobs for answers. Temperature 0 is deterministic (the default: captions are deterministic):
 * greedy, or beam search of width {@code beams}; beams 0 takes the model folder's generation_config.json
 * {@code num_beams} (greedy without one), and beams above 1 need temperature 0. Top-k 0 keeps every token;
 * top-p 1 is off. {@code seed} null draws one. The answer stops at eos or maxTokens, and never runs past the
 * model's context.
 */
public record TextOptions(int maxTokens, float temperature, int topK, float topP, Long seed, int beams) {
    public static final TextOptions DEFAULT = new TextOptions(256, 0f, 0, 1f, null, 0);

    public TextOptions {
        if (maxTokens < 1) throw new IllegalArgumentException("max tokens must be at least 1, got " + maxTokens);
        if (!(temperature >= 0) || Float.isInfinite(temperature)) throw new IllegalArgumentException("temperature must be a finite number >= 0, got " + temperature);
        if (topK < 0) throw new IllegalArgumentException("top-k must be >= 0, got " + topK);
        if (!(topP > 0 && topP <= 1)) throw new IllegalArgumentException("top-p must be in (0, 1], got " + topP);
        if (beams < 0 || beams > Decoding.MAX_BEAMS) throw new IllegalArgumentException("beams must be 0.." + Decoding.MAX_BEAMS + " (0: the model's default), got " + beams);
        if (beams > 1 && temperature > 0) throw new IllegalArgumentException("beam search is deterministic: " + beams + " beams need temperature 0, got " + temperature);
    }

    public TextOptions withMaxTokens(int v) {
        return new TextOptions(v, temperature, topK, topP, seed, beams);
    }
}
