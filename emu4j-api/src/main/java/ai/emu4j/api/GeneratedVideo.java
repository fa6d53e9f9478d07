package ai.emu4j.api;

import ai.emu4j.models.vq.RgbImage;
import java.util.List;

/**
 * A clip from {@link Emu3Model#generateVideo} or {@link Emu3Model#extendVideo}: every picture, the given
 * ones first as the vision tokenizer gives them back, and the latent codes (latentFrames, rows, cols)
 * row-major. Pictures from {@code firstNew} on were generated; each latent frame is the model's
 * temporal_downsample_factor pictures.
 */
public record GeneratedVideo(List<RgbImage> pictures, int firstNew, int[] codes, int latentFrames, int rows, int cols, long seed) {
    public GeneratedVideo {
        pictures = List.copyOf(pictures);
        codes = codes.clone();
    }

    @Override
    public int[] codes() {
        return codes.clone();
    }

    /** The generated pictures only. */
    public List<RgbImage> newPictures() {
        return pictures.subList(firstNew, pictures.size());
    }
}
