package ai.emu4j.models.vq;

import static ai.emu4j.models.vq.VQFixtures.expected;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.emu4j.core.tensor.Tensor;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pre/post-processing against the original Python code (fixtures) and hand-checked cases. */
class VQImageProcessorTest {
    @Test
    void smartResizeMatchesPythonOnEveryFixtureCase() throws IOException {
        JsonNode cases = new ObjectMapper().readTree(VQFixtures.path("cases.json").toFile()).get("smart_resize");
        assertTrue(cases.size() > 50, "too few smart_resize cases");
        for (JsonNode c : cases) {
            int h = c.get("height").asInt(), w = c.get("width").asInt(), f = c.get("factor").asInt();
            long mn = c.get("min_pixels").asLong(), mx = c.get("max_pixels").asLong();
            String what = h + "x" + w + " factor " + f + " pixels [" + mn + ", " + mx + "]";
            if (c.has("error")) {
                assertThrows(IllegalArgumentException.class, () -> VQImageProcessor.smartResize(h, w, f, mn, mx), what);
            } else {
                int[] want = {c.get("out").get(0).asInt(), c.get("out").get(1).asInt()};
                assertArrayEquals(want, VQImageProcessor.smartResize(h, w, f, mn, mx), what);
            }
        }
    }

    @Test
    void smartResizeRoundsHalfToEven() {
        // 20/8 = 2.5 -> 2 and 28/8 = 3.5 -> 4 (Math.round would give 3 and 4); 36/8 = 4.5 -> 4.
        assertArrayEquals(new int[] {16, 32}, VQImageProcessor.smartResize(20, 28, 8, 1, 1 << 20));
        assertArrayEquals(new int[] {32, 48}, VQImageProcessor.smartResize(36, 44, 8, 1, 1 << 20));
        // 80x48 under min_pixels 4096: round first (80x48 = 3840 < 4096), then ceil up to 88x56.
        assertArrayEquals(new int[] {88, 56}, VQImageProcessor.smartResize(80, 48, 8, 4096, 1 << 20));
        // Hub bounds: 1920x1080 is over 1024^2 and scales down with floor.
        assertArrayEquals(new int[] {1360, 768}, VQImageProcessor.smartResize(1360, 768, 8, 512 * 512, 1024 * 1024));
        assertArrayEquals(new int[] {768, 1360}, VQImageProcessor.smartResize(1080, 1920, 8, 512 * 512, 1024 * 1024));
        var e = assertThrows(IllegalArgumentException.class, () -> VQImageProcessor.smartResize(100, 501, 8, 1, 1 << 20));
        assertTrue(e.getMessage().contains("aspect ratio"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> VQImageProcessor.smartResize(7, 100, 8, 1, 1 << 20));
    }

    @Test
    void bicubicIsByteIdenticalToPillow() throws IOException {
        RgbImage src = VQImages.read(VQFixtures.path("source.png"));
        assertEquals(45, src.width());
        assertEquals(30, src.height());
        int[][] sizes = {{17, 11}, {64, 40}, {45, 64}, {45, 30}};
        for (int[] s : sizes) {
            int[] want = expected("bicubic_" + s[0] + "x" + s[1]).toIntArray();
            byte[] got = PilBicubic.resize(src.rgb(), src.width(), src.height(), 3, s[0], s[1]);
            int diff = 0;
            for (int i = 0; i < want.length; i++) if (want[i] != (got[i] & 0xff)) diff++;
            assertEquals(want.length, got.length, "size " + s[0] + "x" + s[1]);
            assertEquals(0, diff, diff + " bytes differ from PIL at " + s[0] + "x" + s[1]);
        }
    }

    @Test
    void preprocessIsBitIdentical() throws IOException {
        RgbImage src = VQImages.read(VQFixtures.path("source.png"));
        Tensor got = VQImageProcessor.hub().withPixels(32 * 32, 64 * 64).preprocess(src);    // 45x30 -> (3, 32, 48)
        Tensor want = expected("pixel_values");
        assertArrayEquals(want.shape(), got.shape());
        assertArrayEquals(want.toFloatArray(), got.toFloatArray(), 0f);
    }

    @Test
    void postprocessIsBitIdenticalAndTruncates() {
        RgbImage got = VQImageProcessor.hub().postprocess(expected("image_decoded"));
        int[] want = expected("image_post").toIntArray();                                    // (32, 48, 3)
        for (int i = 0; i < want.length; i++) assertEquals(want[i], got.rgb()[i] & 0xff, "byte " + i);
        // (x+1)/2*255: 0.99 -> 253.725 -> 253 (rounding would give 254); out of range clips; NaN -> 0.
        float[] v = {0.99f, -1f, 1f, -3f, 7f, Float.NaN, 0.9999f, -0.999f, 0f, 0.5f, 0.25f, 0.75f};
        RgbImage out = VQImageProcessor.hub().postprocess(Tensor.of(v, 3, 2, 2));
        int[] r = {out.get(0, 0, 0), out.get(1, 0, 0), out.get(0, 1, 0), out.get(1, 1, 0)};
        assertArrayEquals(new int[] {253, 0, 255, 0}, r);
        assertArrayEquals(new int[] {255, 0, 254, 0}, new int[] {out.get(0, 0, 1), out.get(1, 0, 1) /* NaN */, out.get(0, 1, 1), out.get(1, 1, 1)});
        assertArrayEquals(new int[] {127, 191, 159, 223}, new int[] {out.get(0, 0, 2), out.get(1, 0, 2), out.get(0, 1, 2), out.get(1, 1, 2)});
    }

    @Test
    void refusesDecompressionBombFromTheHeader(@TempDir Path dir) throws IOException {
        // A PNG whose IHDR claims 100000 x 100000 pixels and which holds no image data at all:
        // only a reader that trusts the header and allocates would get past it.
        Path bomb = dir.resolve("bomb.png");
        Files.write(bomb, pngHeaderOnly(100_000, 100_000));
        var e = assertThrows(VQImages.ImageTooLargeException.class, () -> VQImages.read(bomb));
        assertTrue(e.getMessage().contains("100000x100000"), e.getMessage());
        // A real small image under a tiny budget is refused the same way, and accepted under a fair one.
        Path png = VQFixtures.path("source.png");
        assertThrows(VQImages.ImageTooLargeException.class, () -> VQImages.read(png, 45 * 30 - 1));
        assertEquals(45, VQImages.read(png, 45 * 30).width());
    }

    @Test
    void jpegHeaderIsCheckedToo(@TempDir Path dir) throws IOException {
        BufferedImage bi = new BufferedImage(40, 24, BufferedImage.TYPE_3BYTE_BGR);
        Path jpg = dir.resolve("small.jpg");
        assertTrue(ImageIO.write(bi, "jpeg", jpg.toFile()));
        var e = assertThrows(VQImages.ImageTooLargeException.class, () -> VQImages.read(jpg, 40 * 24 - 1));
        assertTrue(e.getMessage().contains("40x24"), e.getMessage());
        RgbImage img = VQImages.read(jpg, 40 * 24);
        assertEquals(40, img.width());
        assertEquals(24, img.height());
    }

    @Test
    void hubPreprocessorConfigParses(@TempDir Path dir) throws IOException {
        // BAAI/Emu3-VisionTokenizer preprocessor_config.json, verbatim field set.
        Path cfg = dir.resolve("preprocessor_config.json");
        Files.writeString(cfg, """
                {"auto_map": {"AutoImageProcessor": "image_processing_emu3visionvq.Emu3VisionVQImageProcessor"},
                 "do_convert_rgb": true, "do_normalize": true, "do_rescale": true, "do_resize": true,
                 "image_mean": [0.5, 0.5, 0.5], "image_processor_type": "Emu3VisionVQImageProcessor",
                 "image_std": [0.5, 0.5, 0.5], "max_pixels": 1048576, "min_pixels": 262144, "resample": 3,
                 "rescale_factor": 0.00392156862745098, "spatial_factor": 8}""");
        assertEquals(VQImageProcessor.hub(), VQImageProcessor.fromJson(cfg));
        Files.writeString(cfg, "{\"resample\": 2}");
        var e = assertThrows(IOException.class, () -> VQImageProcessor.fromJson(cfg));
        assertTrue(e.getMessage().contains("resample 2 is not supported"), e.getMessage());
    }

    @Test
    void pngRoundTrips(@TempDir Path dir) throws IOException {
        RgbImage src = VQImages.read(VQFixtures.path("source.png"));
        Path p = dir.resolve("copy.png");
        VQImages.writePng(src, p);
        assertArrayEquals(src.rgb(), VQImages.read(p).rgb());
        assertFalse(Files.size(p) == 0);
    }

    private static byte[] pngHeaderOnly(int w, int h) {
        ByteBuffer ihdr = ByteBuffer.allocate(17).put("IHDR".getBytes()).putInt(w).putInt(h)
                .put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
        CRC32 crc = new CRC32();
        crc.update(ihdr.array());
        return ByteBuffer.allocate(8 + 4 + 17 + 4).put(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'})
                .putInt(13).put(ihdr.array()).putInt((int) crc.getValue()).array();
    }
}
