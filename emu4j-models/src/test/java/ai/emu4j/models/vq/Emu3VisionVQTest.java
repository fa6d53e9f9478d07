package ai.emu4j.models.vq;

import static ai.emu4j.models.vq.VQFixtures.assertClose;
import static ai.emu4j.models.vq.VQFixtures.assertCodes;
import static ai.emu4j.models.vq.VQFixtures.expected;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.emu4j.core.ops.Indexing;
import ai.emu4j.core.tensor.Tensor;
import java.io.IOException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The reduced tokenizer against the PyTorch re-implementation of the original modules. */
class Emu3VisionVQTest {
    private static Emu3VisionVQ model;

    @BeforeAll
    static void load() throws IOException {
        model = Emu3VisionVQ.load(VQFixtures.path("model"));
    }

    @AfterAll
    static void close() {
        if (model != null) model.close();
    }

    @Test
    void imageCodesMatchExactly() {
        Tensor codes = model.encode(expected("pixel_values"));                     // (1, 4, 6)
        assertCodes(expected("image_codes").reshape(1, 4, 6), codes, "image codes");
    }

    @Test
    void imageDecodeMatches() {
        Tensor pixels = model.decode(expected("image_codes"));                     // (3, 32, 48)
        assertClose(expected("image_decoded"), pixels, "decoded image");
        assertClose(expected("image_decoded"), model.decodeImage(expected("image_codes").reshape(1, 4, 6)), "decodeImage (1, h, w)");
    }

    @Test
    void aStillVideoChunkIsTheImage() {
        // The original encodes an image as 4 repeated frames: a video of 4 copies must give its codes,
        // here through the path that encodes repeated frames once.
        Tensor image = expected("pixel_values");
        Tensor still = Indexing.stack(new Tensor[] {image, image, image, image}, 0);   // (4, 3, 32, 48)
        assertCodes(expected("image_codes").reshape(1, 4, 6), model.encode(still), "codes of 4 repeated frames");
    }

    @Test
    void videoCodesMatchExactly() {
        Tensor codes = model.encode(expected("video"));                            // (2, 4, 3)
        assertCodes(expected("video_codes"), codes, "video codes");
    }

    @Test
    void videoDecodeMatches() {
        Tensor frames = model.decode(expected("video_codes"));                     // (8, 3, 32, 24)
        assertClose(expected("video_decoded"), frames, "decoded video");
    }

    @Test
    void rejectsBadInputs() {
        assertThrows(IllegalArgumentException.class, () -> model.encode(Tensor.zeros(3, 30, 48)));
        assertThrows(IllegalArgumentException.class, () -> model.encode(Tensor.zeros(6, 3, 32, 24)));
        assertThrows(IllegalArgumentException.class, () -> model.encode(Tensor.zeros(4, 32, 24)));
        var bad = assertThrows(IllegalArgumentException.class, () -> model.decode(Tensor.ofInts(new int[] {0, 64}, 1, 2)));
        assertEquals("code 64 outside the codebook of 64 entries", bad.getMessage());
    }

    @Test
    void parameterShapesListTheCheckpoint() {
        var shapes = Emu3VisionVQ.parameterShapes(model.config());
        assertArrayEquals(new int[] {64, 4}, shapes.get("quantize.embedding.weight"));
        assertArrayEquals(new int[] {4, 4, 4, 3, 3}, shapes.get("encoder.time_conv.0.conv.conv.weight"));
        assertEquals(553 - 8, shapes.size(), "checkpoint tensors minus the 8 num_batches_tracked counters");
    }
}
