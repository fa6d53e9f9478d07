package ai.emu4j.api;

import ai.emu4j.models.vq.RgbImage;
import ai.emu4j.models.vq.VQImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The README's "Java API" example, run as written (on a random-weight model folder), plus cancellation. */
class ReadmeExampleTest {
    @Test
    void theReadmeExampleRuns(@TempDir Path dir) throws IOException {
        Path folder = RandomModels.write(dir.resolve("emu4j-demo"), RandomModels.Size.TINY, 3);
        Path out = dir.resolve("circle.png");
        List<Integer> rows = new ArrayList<>();
        StringBuilder streamed = new StringBuilder();
        // ---- README: Java API (begin) ----
        try (Emu3Model model = Emu3Model.load(folder)) {
            ImageRequest request = ImageRequest.of("a red circle on white").withSeed(42).withCfgScale(3f).withAspectRatio("1:1");
            Cancellation cancel = new Cancellation();            // cancel.cancel() from any thread stops between tokens
            List<GeneratedImage> images = model.generateImages(request, new ImageListener() {
                @Override
                public void row(int index, int y, int[] codes) {
                    rows.add(y);                                  // progress: one call per finished row of codes
                }
            }, cancel);
            Files.write(out, images.getFirst().png());           // PNG with prompt, seed, cfg_scale... in text chunks

            TextResult caption = model.caption(images.getFirst().image(), "Describe the image",
                    TextOptions.DEFAULT.withMaxTokens(16), streamed::append, null);   // pieces stream as they are generated
            TextResult answer = model.chat(List.of(ChatMessage.user("What colour is it?", images.getFirst().image())));

            ImageTokens codes = model.encode(VQImages.read(out));  // vision tokenizer: picture -> code grid
            RgbImage back = model.decode(codes);                  // and back
            int[] ids = model.encodeText("a red circle");          // text tokenizer

            ImageRequest motion = ImageRequest.of("a red circle moving left").withSeed(7);
            GeneratedVideo clip = model.generateVideo(motion, 2, null);                // 2 latent frames from text
            GeneratedVideo longer = model.extendVideo(clip.pictures(), motion, 1, null); // 1 more after the given ones
            List<RgbImage> next = longer.newPictures();
            // ---- README: Java API (end) ----
            assertEquals(clip.pictures().size() / 2, next.size());
            assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7), rows);
            assertEquals(caption.text(), streamed.toString());
            assertTrue(caption.completionTokens() <= 16 && answer.promptTokens() > 64);
            assertEquals(8, codes.rows());
            assertEquals(32, back.width());
            assertEquals("a red circle", model.decodeText(ids));
            assertArrayEquals(images.getFirst().tokens().codes(), model.generateImage(request).tokens().codes(), "a seed reproduces the image");
        }
    }

    @Test
    void cancellationStopsAGenerationAndAClosedModelRefusesWork(@TempDir Path dir) throws IOException {
        Emu3Model model = Emu3Model.load(RandomModels.write(dir.resolve("m"), RandomModels.Size.TINY, 3));
        Cancellation cancel = new Cancellation();
        assertThrows(CancellationException.class, () -> model.generateImages(ImageRequest.of("x").withCount(3), new ImageListener() {
            @Override
            public void row(int index, int y, int[] codes) {
                if (y == 2) cancel.cancel();
            }
        }, cancel));
        model.close();
        assertThrows(IllegalStateException.class, () -> model.generateImage(ImageRequest.of("x")));
    }

    @Test
    void previewsShowTheRowsSoFar(@TempDir Path dir) throws IOException {
        try (Emu3Model model = Emu3Model.load(RandomModels.write(dir.resolve("m"), RandomModels.Size.TINY, 3))) {
            List<Integer> heights = new ArrayList<>();
            model.generateImages(ImageRequest.of("x").withSeed(1), new ImageListener() {
                @Override
                public int previewEveryRows() {
                    return 3;
                }

                @Override
                public void preview(int index, int rowsDone, int rows, RgbImage partial) {
                    heights.add(partial.height());
                }
            }, null);
            assertEquals(List.of(12, 24), heights, "after rows 3 and 6 of 8, at 4 pixels per row");
        }
    }

    @Test
    void sizesMapToTheNearestRatio() {
        assertEquals("1:1", AspectRatios.nearest(1024, 1024));
        assertEquals("16:9", AspectRatios.nearest(1792, 1024));
        assertEquals("9:16", AspectRatios.nearest(1024, 1792));
        assertEquals("3:2", AspectRatios.nearest(1536, 1024));
        assertThrows(IllegalArgumentException.class, () -> AspectRatios.nearest(-1, 5));
    }
}
