package ai.emu4j.data;

import static org.junit.jupiter.api.Assertions.*;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImagesTest {
    @Test
    void picturesAndClipsRoundTrip(@TempDir Path dir) throws IOException {
        BufferedImage a = Images.rgb(5, 3, 0xFF0000), b = Images.rgb(5, 3, 0x0000FF);
        Images.writePng(a, dir.resolve("a.png"));
        assertEquals(0xFF0000, Images.readRgb(dir.resolve("a.png")).getRGB(4, 2) & 0xFFFFFF);
        Images.writeGif(List.of(a, b), 100, dir.resolve("c.gif"));
        List<BufferedImage> frames = Images.readFrames(dir.resolve("c.gif"));
        assertEquals(2, frames.size());
        assertEquals(5, frames.get(1).getWidth());
        assertEquals(0x0000FF, frames.get(1).getRGB(0, 0) & 0xFFFFFF);
    }

    @Test
    void aPngHeaderAnnouncingHugeDimensionsIsRefusedBeforeDecoding(@TempDir Path dir) throws IOException {
        Path bomb = dir.resolve("bomb.png");
        Files.write(bomb, png(100_000, 100_000));
        long t0 = System.nanoTime();
        DataException e = assertThrows(DataException.class, () -> Images.readRgb(bomb));
        assertTrue(e.getMessage().contains("100000x100000") && e.getMessage().contains("refused before decoding"), e.getMessage());
        assertThrows(DataException.class, () -> Images.readFrames(bomb));
        assertTrue(System.nanoTime() - t0 < 5_000_000_000L);
    }

    @Test
    void aGifWhoseScreenIsHugeIsRefusedBeforeDecoding(@TempDir Path dir) throws IOException {
        Path gif = dir.resolve("screen.gif");
        Files.write(gif, gif(0xFFFF, 0xFFFF));
        DataException e = assertThrows(DataException.class, () -> Images.readFrames(gif));
        assertTrue(e.getMessage().contains("canvas") && e.getMessage().contains("65535x65535"), e.getMessage());
        Files.write(gif, gif(2, 2));
        assertEquals(1, Images.readFrames(gif).size(), "the same file with a small screen reads");
    }

    @Test
    void somethingThatIsNotAnImageGetsAClearError(@TempDir Path dir) throws IOException {
        Path text = dir.resolve("x.png");
        Files.writeString(text, "hello");
        DataException e = assertThrows(DataException.class, () -> Images.readRgb(text));
        assertTrue(e.getMessage().startsWith("not an image"), e.getMessage());
    }

    /** A PNG signature, an IHDR with the given size (8-bit RGB) and IEND: the header of a would-be bomb. */
    private static byte[] png(int w, int h) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10});
        chunk(out, "IHDR", ByteBuffer.allocate(13).putInt(w).putInt(h).put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0).array());
        chunk(out, "IDAT", new byte[] {0x78, (byte) 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01});
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) throws IOException {
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        out.write(ByteBuffer.allocate(4).putInt(data.length).array());
        out.write(t);
        out.write(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        out.write(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    /** A valid one-pixel GIF89a whose logical screen is w x h. */
    private static byte[] gif(int w, int h) {
        return new byte[] {'G', 'I', 'F', '8', '9', 'a', (byte) w, (byte) (w >> 8), (byte) h, (byte) (h >> 8), 0, 0, 0,
                0x2C, 0, 0, 0, 0, 1, 0, 1, 0, (byte) 0x80, 0, 0, 0, (byte) 255, (byte) 255, (byte) 255,
                2, 2, 0x44, 0x01, 0, 0x3B};
    }
}
