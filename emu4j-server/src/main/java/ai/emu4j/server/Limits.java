package ai.emu4j.server;

/**
 * Caps on what one request may ask for. Each is checked before work starts and answered with a 400 or 413
 * whose message names the limit (the names below, as the {@code emu4j serve} options spell them).
 *
 * @param maxBodyBytes       request body (max_body_bytes)
 * @param maxImagePixels     pixels an uploaded image's header may announce (max_image_pixels)
 * @param maxFrames          frames of an animated upload (max_frames)
 * @param maxImages          images in one chat request (max_images)
 * @param maxPromptTokens    prompt tokens, text and images together (max_prompt_tokens)
 * @param maxN               images per generation request (max_n)
 * @param maxTokens          generated answer tokens (max_tokens)
 * @param maxImageTokens     generated tokens of one image grid (max_image_tokens)
 * @param maxMessages        messages in one chat request (max_messages)
 */
public record Limits(long maxBodyBytes, long maxImagePixels, int maxFrames, int maxImages, int maxPromptTokens, int maxN,
                     int maxTokens, int maxImageTokens, int maxMessages) {
    /**
     * Text longer than this many characters per allowed prompt token is refused before it is tokenized, so a
     * multi-megabyte prompt costs no tokenizer time (no tokenizer packs 32 characters into one token on real text).
     */
    public static final int CHARS_PER_TOKEN_CAP = 32;

    /** Refuses text that cannot fit in maxPromptTokens without tokenizing it. */
    void checkPromptChars(String param, long chars) {
        long cap = (long) maxPromptTokens * CHARS_PER_TOKEN_CAP;
        if (chars > cap) {
            throw ApiError.limit(400, param, "max_prompt_tokens", param + " of " + chars + " characters cannot fit in " + maxPromptTokens + " tokens");
        }
    }

    public static final Limits DEFAULT = new Limits(16L << 20, 4096L * 4096, 16, 4, 4096, 4, 1024, 16384, 64);

    public Limits {
        if (maxBodyBytes < 1024 || maxImagePixels < 1 || maxFrames < 1 || maxImages < 0 || maxPromptTokens < 1 || maxN < 1
                || maxTokens < 1 || maxImageTokens < 1 || maxMessages < 1) {
            throw new IllegalArgumentException("limits must be positive (body at least 1024 bytes): " + this);
        }
    }
}
