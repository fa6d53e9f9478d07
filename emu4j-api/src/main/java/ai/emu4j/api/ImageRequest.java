package ai.emu4j.api;

/**
 * What to draw. {@code seed} null draws one at random (image i of n uses seed + i); {@code aspectRatio}
 * is "W:H" at the model's image area. Defaults ({@link #of}) follow Emu3's demo: guidance 3, top-k 2048,
 * top-p 1 (off), temperature 1, an empty negative prompt (the unconditional prompt our models learn via
 * caption dropout).
 */
public record ImageRequest(String prompt, String negativePrompt, float cfgScale, Long seed, int topK, float topP, float temperature,
                           String aspectRatio, int n) {
    public static final float DEFAULT_CFG = 3f;
    public static final int DEFAULT_TOP_K = 2048;

    public ImageRequest {
        if (prompt == null) throw new IllegalArgumentException("prompt is required");
        if (negativePrompt == null) negativePrompt = "";
        if (!(cfgScale >= 0) || Float.isInfinite(cfgScale)) throw new IllegalArgumentException("cfg scale must be a finite number >= 0, got " + cfgScale);
        if (topK < 0) throw new IllegalArgumentException("top-k must be >= 0 (0 = all codes), got " + topK);
        if (!(topP > 0 && topP <= 1)) throw new IllegalArgumentException("top-p must be in (0, 1], got " + topP);
        if (!(temperature >= 0) || Float.isInfinite(temperature)) throw new IllegalArgumentException("temperature must be a finite number >= 0, got " + temperature);
        if (aspectRatio == null) aspectRatio = "1:1";
        if (n < 1) throw new IllegalArgumentException("n must be at least 1, got " + n);
    }

    public static ImageRequest of(String prompt) {
        return new ImageRequest(prompt, "", DEFAULT_CFG, null, DEFAULT_TOP_K, 1f, 1f, "1:1", 1);
    }

    public ImageRequest withNegativePrompt(String v) {
        return new ImageRequest(prompt, v, cfgScale, seed, topK, topP, temperature, aspectRatio, n);
    }

    public ImageRequest withCfgScale(float v) {
        return new ImageRequest(prompt, negativePrompt, v, seed, topK, topP, temperature, aspectRatio, n);
    }

    public ImageRequest withSeed(long v) {
        return new ImageRequest(prompt, negativePrompt, cfgScale, v, topK, topP, temperature, aspectRatio, n);
    }

    public ImageRequest withTopK(int v) {
        return new ImageRequest(prompt, negativePrompt, cfgScale, seed, v, topP, temperature, aspectRatio, n);
    }

    public ImageRequest withTopP(float v) {
        return new ImageRequest(prompt, negativePrompt, cfgScale, seed, topK, v, temperature, aspectRatio, n);
    }

    public ImageRequest withTemperature(float v) {
        return new ImageRequest(prompt, negativePrompt, cfgScale, seed, topK, topP, v, aspectRatio, n);
    }

    public ImageRequest withAspectRatio(String v) {
        return new ImageRequest(prompt, negativePrompt, cfgScale, seed, topK, topP, temperature, v, n);
    }

    public ImageRequest withCount(int v) {
        return new ImageRequest(prompt, negativePrompt, cfgScale, seed, topK, topP, temperature, aspectRatio, v);
    }
}
