package ai.emu4j.models.vq;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Images read from memory (uploads): the same pixels as from a file, budgets from the header, decimation of large ones. */
class VQImagesBytesTest {
    private static RgbImage picture(int w, int h) {
        byte[] px = new byte[w * h * 3];
        for (int i = 0; i < px.length; i++) px[i] = (byte) (i * 31 % 253);
        return new RgbImage(w, h, px);
    }

    @Test
    void readsPngBytesLosslessly() throws IOException {
        RgbImage img = picture(20, 10);
        RgbImage back = VQImages.read(MediaFiles.pngBytes(img, Map.of("k", "v")), "upload", 1000, 1);
        assertEquals(20, back.width());
        assertArrayEquals(img.rgb(), back.rgb());
    }

    @Test
    void refusesOverBudgetBeforeDecodingAndDecimatesLargeOnes() throws IOException {
        byte[] png = MediaFiles.pngBytes(picture(100, 60), Map.of());
        VQImages.ImageTooLargeException e = assertThrows(VQImages.ImageTooLargeException.class, () -> VQImages.read(png, "upload", 5999, 1));
        assertTrue(e.getMessage().contains("100x60"), e.getMessage());
        RgbImage small = VQImages.read(png, "upload", 6000, 1, 1500);
        assertEquals(50, small.width(), "every 2nd pixel: 6000 / 2^2 = 1500");
        assertEquals(30, small.height());
        assertEquals(picture(100, 60).get(2, 2, 0), small.get(1, 1, 0));
    }

    @Test
    void refusesTooManyFrames() throws IOException {
        java.nio.file.Path gif = java.nio.file.Files.createTempFile("frames", ".gif");
        try {
            MediaFiles.writeGif(java.util.List.of(picture(4, 4), picture(4, 4), picture(4, 4)), 10, gif);
            byte[] bytes = java.nio.file.Files.readAllBytes(gif);
            assertThrows(VQImages.FrameLimitException.class, () -> VQImages.read(bytes, "upload", 1000, 2));
            assertEquals(4, VQImages.read(bytes, "upload", 1000, 3).width());
        } finally {
            java.nio.file.Files.delete(gif);
        }
    }
}
