package ai.emu4j.api;

import static org.junit.jupiter.api.Assertions.*;

import ai.emu4j.models.vq.RgbImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VideoApiTest {
    @Test
    void aClipIsGeneratedThenExtendedAndTheSeedReproducesIt(@TempDir Path dir) throws IOException {
        try (Emu3Model model = Emu3Model.load(RandomModels.write(dir.resolve("m"), RandomModels.Size.TINY, 3))) {
            int tdf = model.bundle().vq().config().temporal_downsample_factor();
            ImageRequest r = ImageRequest.of("a red ball moving left").withSeed(7);
            GeneratedVideo clip = model.generateVideo(r, 2, null);
            assertEquals(2, clip.latentFrames());
            assertEquals(2 * tdf, clip.pictures().size());
            assertEquals(0, clip.firstNew());
            assertEquals(2 * clip.rows() * clip.cols(), clip.codes().length);
            assertEquals(7, clip.seed());
            assertArrayEquals(clip.codes(), model.generateVideo(r, 2, null).codes(), "same seed, same clip");
            assertFalse(Arrays.equals(clip.codes(), model.generateVideo(r.withSeed(8), 2, null).codes()), "another seed, another clip");

            GeneratedVideo longer = model.extendVideo(clip.pictures(), ImageRequest.of("a red ball").withSeed(7), 1, null);
            assertEquals(3 * tdf, longer.pictures().size());
            assertEquals(2 * tdf, longer.firstNew());
            assertEquals(tdf, longer.newPictures().size());
            int[] given = model.bundle().encodeVideo(clip.pictures()).codes();
            assertArrayEquals(given, Arrays.copyOf(longer.codes(), given.length), "the given frames lead the codes");
            assertEquals(3 * longer.rows() * longer.cols(), longer.codes().length);
            RgbImage first = longer.newPictures().getFirst();
            assertEquals(clip.pictures().getFirst().width(), first.width());
        }
    }

    @Test
    void badClipsAndOverlongRequestsAreRefusedAndCancellationStops(@TempDir Path dir) throws IOException {
        try (Emu3Model model = Emu3Model.load(RandomModels.write(dir.resolve("m"), RandomModels.Size.TINY, 3))) {
            int tdf = model.bundle().vq().config().temporal_downsample_factor();
            ImageRequest r = ImageRequest.of("x").withSeed(1);
            List<RgbImage> pictures = model.generateVideo(r, 1, null).pictures();
            List<RgbImage> bad = tdf > 1 ? pictures.subList(0, tdf - 1) : List.of();
            assertThrows(IllegalArgumentException.class, () -> model.extendVideo(bad, r, 1, null));
            assertThrows(IllegalArgumentException.class, () -> model.extendVideo(pictures, r, 0, null));
            IllegalArgumentException tooLong = assertThrows(IllegalArgumentException.class, () -> model.generateVideo(r, 1000, null));
            assertTrue(tooLong.getMessage().contains("context"), tooLong.getMessage());
            Cancellation cancel = new Cancellation();
            cancel.cancel();
            assertThrows(CancellationException.class, () -> model.generateVideo(r, 1, cancel));
        }
    }
}
