package ai.emu4j.api;

import ai.emu4j.models.vq.MediaFiles;
import ai.emu4j.models.vq.RgbImage;

import java.util.Map;

/**
 * One generated picture, its VQ codes (rows x cols) and the parameters that reproduce it (prompt, seed,
 * guidance, ...), which {@link #png()} writes into the PNG's text chunks.
 */
public record GeneratedImage(RgbImage image, ImageTokens tokens, long seed, Map<String, String> parameters) {
    public GeneratedImage {
        parameters = Map.copyOf(parameters);
    }

    /** PNG bytes with every parameter as a tEXt (or iTXt) chunk, in a stable order. */
    public byte[] png() {
        return MediaFiles.pngBytes(image, new java.util.TreeMap<>(parameters));
    }
}
