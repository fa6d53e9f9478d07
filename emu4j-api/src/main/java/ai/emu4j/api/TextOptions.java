package ai.emu4j.api;

/**
 * Decoding knobs for answers. Temperature 0 is greedy (the default: captions are deterministic); top-k 0 keeps
 * every token; top-p 1 is off. {@code seed} null draws one. The answer stops at eos or maxTokens, and never runs
 * past the model's context.
 */
public record TextOptions(int maxTokens, float temperature, int topK, float topP, Long seed) {
    public static final TextOptions DEFAULT = new TextOptions(256, 0f, 0, 1f, null);

    public TextOptions {
        if (maxTokens < 1) throw new IllegalArgumentException("max tokens must be at least 1, got " + maxTokens);
        if (!(temperature >= 0) || Float.isInfinite(temperature)) throw new IllegalArgumentException("temperature must be a finite number >= 0, got " + temperature);
        if (topK < 0) throw new IllegalArgumentException("top-k must be >= 0, got " + topK);
        if (!(topP > 0 && topP <= 1)) throw new IllegalArgumentException("top-p must be in (0, 1], got " + topP);
    }

    public TextOptions withMaxTokens(int v) {
        return new TextOptions(v, temperature, topK, topP, seed);
    }
}
