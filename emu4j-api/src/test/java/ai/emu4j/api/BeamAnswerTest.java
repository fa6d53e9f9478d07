package ai.emu4j.api;

import ai.emu4j.models.emu3.Decoding;
import ai.emu4j.models.vq.RgbImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Beam search through the API: asked for in TextOptions, or by the model folder's generation_config.json. */
class BeamAnswerTest {
    private static final RgbImage PICTURE = new RgbImage(32, 32, new byte[32 * 32 * 3]);

    private static TextOptions options(int beams) {
        return new TextOptions(24, 0f, 0, 1f, null, beams);
    }

    @Test
    void theFolderDefaultIsUsedUnlessOptionsSayOtherwise(@TempDir Path dir) throws IOException {
        Path folder = RandomModels.write(dir.resolve("m"), RandomModels.Size.TINY, 3);
        String greedy, fourBeams;
        try (Emu3Model m = Emu3Model.load(folder)) {
            greedy = m.caption(PICTURE, "Describe the image", options(0), null, null).text();
            StringBuilder streamed = new StringBuilder();
            fourBeams = m.caption(PICTURE, "Describe the image", options(4), streamed::append, null).text();
            assertEquals(fourBeams, streamed.toString(), "the beam answer streams in one piece");
            assertNotEquals(greedy, fourBeams, "this model's greedy and 4-beam answers differ, so the folder default below is seen");
            assertEquals(greedy, m.caption(PICTURE, "Describe the image", options(1), null, null).text());
        }
        Files.writeString(folder.resolve(Decoding.FILE), "{\"num_beams\": 4}");
        try (Emu3Model m = Emu3Model.load(folder)) {
            assertEquals(fourBeams, m.caption(PICTURE, "Describe the image", options(0), null, null).text());
            assertEquals(greedy, m.caption(PICTURE, "Describe the image", options(1), null, null).text());
            TextOptions sampled = new TextOptions(24, 0.8f, 0, 1f, 5L, 0);
            assertEquals(m.caption(PICTURE, "Describe the image", sampled, null, null).text(),
                    m.caption(PICTURE, "Describe the image", sampled, null, null).text(), "with sampling the folder's beams do not apply, and do not refuse the request");
        }
        assertThrows(IllegalArgumentException.class, () -> new TextOptions(24, 0.8f, 0, 1f, null, 2));
        assertThrows(IllegalArgumentException.class, () -> new TextOptions(24, 0f, 0, 1f, null, 65));
    }
}
