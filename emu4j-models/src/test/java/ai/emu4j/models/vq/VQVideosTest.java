package ai.emu4j.models.vq;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VQVideosTest {
    static RgbImage flat(int w, int h, int r, int g, int b) {
        byte[] px = new byte[w * h * 3];
        for (int i = 0; i < w * h; i++) {
            px[i * 3] = (byte) r;
            px[i * 3 + 1] = (byte) g;
            px[i * 3 + 2] = (byte) b;
        }
        return new RgbImage(w, h, px);
    }

    @Test
    void gifRoundTripIsExactForFewColours(@TempDir Path dir) throws IOException {
        List<RgbImage> frames = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            RgbImage f = flat(12, 8, 40 * i, 255 - 40 * i, 7);
            f.rgb()[0] = (byte) 200;  // one odd pixel per frame
            frames.add(f);
        }
        Path gif = dir.resolve("a.gif");
        VQVideos.writeGif(frames, gif, 5);
        List<RgbImage> back = VQVideos.readGif(gif, 10, 1 << 20);
        assertEquals(6, back.size());
        for (int i = 0; i < 6; i++) assertArrayEquals(frames.get(i).rgb(), back.get(i).rgb(), "frame " + i);
        assertThrows(IOException.class, () -> VQVideos.readGif(gif, 5, 1 << 20));       // frame budget
        assertThrows(VQImages.ImageTooLargeException.class, () -> VQVideos.readGif(gif, 10, 50)); // pixel budget from the header
    }

    @Test
    void subRectangleFramesAreCompositedAndDisposed(@TempDir Path dir) throws IOException {
        Path gif = dir.resolve("partial.gif");
        ImageWriter w = ImageIO.getImageWritersByFormatName("gif").next();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(gif.toFile())) {
            w.setOutput(out);
            w.prepareWriteSequence(null);
            write(w, solid(8, 8, 0xff0000), 0, 0, "none");
            write(w, solid(4, 4, 0x0000ff), 2, 2, "restoreToBackgroundColor");
            write(w, solid(2, 2, 0x00ff00), 0, 0, "none");
            w.endWriteSequence();
        }
        List<RgbImage> f = VQVideos.readGif(gif, 10, 1 << 20);
        assertEquals(3, f.size());
        assertEquals(255, f.get(1).get(0, 0, 0));   // red kept outside the patch
        assertEquals(255, f.get(1).get(3, 3, 2));   // blue patch at (2, 2)
        assertEquals(0, f.get(2).get(3, 3, 2));     // patch cleared by its disposal before frame 3
        assertEquals(255, f.get(2).get(0, 0, 1));   // green 2x2 at the origin
        assertEquals(255, f.get(2).get(7, 7, 0));   // red still there
        assertTrue(f.get(2).get(3, 3, 0) == 0);     // cleared area is background (black)
    }

    private static BufferedImage solid(int w, int h, int rgb) {
        BufferedImage b = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) b.setRGB(x, y, rgb);
        return b;
    }

    private static void write(ImageWriter w, BufferedImage img, int x, int y, String disposal) throws IOException {
        IIOMetadata meta = w.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(img), null);
        String f = meta.getNativeMetadataFormatName();
        IIOMetadataNode root = (IIOMetadataNode) meta.getAsTree(f);
        IIOMetadataNode desc = (IIOMetadataNode) root.getElementsByTagName("ImageDescriptor").item(0);
        desc.setAttribute("imageLeftPosition", Integer.toString(x));
        desc.setAttribute("imageTopPosition", Integer.toString(y));
        IIOMetadataNode gce = (IIOMetadataNode) root.getElementsByTagName("GraphicControlExtension").item(0);
        gce.setAttribute("disposalMethod", disposal);
        meta.setFromTree(f, root);
        w.writeToSequence(new IIOImage(img, null, meta), null);
    }

    @Test
    void numberedFramesSortNumerically(@TempDir Path dir) throws IOException {
        Path d = dir.resolve("frames");
        java.nio.file.Files.createDirectories(d);
        VQImages.writePng(flat(2, 2, 10, 0, 0), d.resolve("f_10.png"));
        VQImages.writePng(flat(2, 2, 2, 0, 0), d.resolve("f_2.png"));
        List<RgbImage> f = VQVideos.readFrames(d, 10, 100);
        assertEquals(2, f.get(0).get(0, 0, 0));
        assertEquals(10, f.get(1).get(0, 0, 0));
    }

    @Test
    void metricsOnIdenticalAndDifferentImages() {
        RgbImage a = flat(16, 16, 10, 200, 30);
        a.rgb()[5] = 99;
        assertEquals(Double.POSITIVE_INFINITY, VQMetrics.psnr(a, a));
        assertEquals(1.0, VQMetrics.ssim(a, a), 1e-12);
        RgbImage b = flat(16, 16, 11, 200, 30);   // red off by one everywhere: mse 1/3
        b.rgb()[5] = 99;
        double mse = VQMetrics.mse(a, b);
        assertEquals(1.0 / 3, mse, 1e-12);
        assertEquals(10 * Math.log10(255 * 255 / mse), VQMetrics.psnr(a, b), 1e-9);
        assertEquals(2, VQMetrics.perplexity(new long[] {5, 5, 0}), 1e-12);
    }
}
