package ai.emu4j.data;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;

/**
 * PNG/GIF I/O through javax.imageio. Everything is handled as opaque TYPE_INT_RGB: alpha is composited over
 * white on read, because the judges and the tokenizer see RGB. The encoders have no timestamps, so the same
 * pixels give the same bytes on a given JDK.
 */
public final class Images {
    public static final int WHITE = 0xFFFFFF;
    /**
     * Pixels one picture may announce (8192 x 8192). Dataset and judge pictures are small; a header over
     * this is refused before anything is decoded, since the JDK's readers allocate the whole picture first.
     */
    public static final long MAX_PIXELS = 1L << 26;
    /** Pixels a clip's frames may announce together (each frame becomes a full canvas). */
    public static final long MAX_CLIP_PIXELS = 1L << 28;

    private Images() {}

    public static BufferedImage rgb(int width, int height, int fill) {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) for (int x = 0; x < width; x++) img.setRGB(x, y, fill);
        return img;
    }

    public static void writePng(BufferedImage img, Path file) throws IOException {
        if (!ImageIO.write(img, "png", file.toFile())) throw new IOException("no PNG writer");
    }

    /** Reads a PNG/GIF/JPEG (first frame) as RGB over white. */
    public static BufferedImage readRgb(Path file) throws IOException {
        return withReader(file, reader -> {
            checkPixels(file, "the picture", reader.getWidth(0), reader.getHeight(0), MAX_PIXELS);
            return overWhite(reader.read(0));
        });
    }

    /** Alpha blend over white with integer rounding (exact and platform-independent, unlike Graphics2D). */
    public static BufferedImage overWhite(BufferedImage src) {
        int w = src.getWidth(), h = src.getHeight();
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int argb = src.getRGB(x, y);
                int a = argb >>> 24;
                int rgb = 0;
                for (int shift = 16; shift >= 0; shift -= 8) {
                    int c = (argb >> shift) & 0xff;
                    rgb |= ((c * a + 255 * (255 - a) + 127) / 255) << shift;
                }
                out.setRGB(x, y, rgb);
            }
        }
        return out;
    }

    /** An animated GIF that loops forever with delayMs per frame. Colours are quantised by the JDK's octree palette builder. */
    public static void writeGif(List<BufferedImage> frames, int delayMs, Path file) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("gif").next();
        Files.deleteIfExists(file);
        try (ImageOutputStream out = ImageIO.createImageOutputStream(file.toFile())) {
            writer.setOutput(out);
            writer.prepareWriteSequence(null);
            for (BufferedImage frame : frames) {
                IIOMetadata meta = writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(frame), null);
                String format = meta.getNativeMetadataFormatName();
                IIOMetadataNode root = (IIOMetadataNode) meta.getAsTree(format);
                IIOMetadataNode gce = child(root, "GraphicControlExtension");
                gce.setAttribute("disposalMethod", "none");
                gce.setAttribute("userInputFlag", "FALSE");
                gce.setAttribute("transparentColorFlag", "FALSE");
                gce.setAttribute("delayTime", Integer.toString(delayMs / 10));
                gce.setAttribute("transparentColorIndex", "0");
                IIOMetadataNode app = new IIOMetadataNode("ApplicationExtension");
                app.setAttribute("applicationID", "NETSCAPE");
                app.setAttribute("authenticationCode", "2.0");
                app.setUserObject(new byte[] {1, 0, 0});
                child(root, "ApplicationExtensions").appendChild(app);
                meta.setFromTree(format, root);
                writer.writeToSequence(new IIOImage(frame, null, meta), null);
            }
            writer.endWriteSequence();
        } finally {
            writer.dispose();
        }
    }

    /**
     * All frames of a GIF (or the single frame of a still image) as full-size RGB canvases. Frames are painted
     * onto the previous canvas at their offsets, which is exact for our writer (full frames, no disposal) and
     * right for most encoders that emit sub-rectangles.
     */
    public static List<BufferedImage> readFrames(Path file) throws IOException {
        return withReader(file, reader -> {
            int n = reader.getNumImages(true);
            if (n <= 0) throw new DataException("no frames in " + file);
            // Headers first: the canvas is the logical screen grown to cover every frame, one copy per frame.
            int[][] offsets = new int[n][];
            long width = 0, height = 0;
            for (int i = 0; i < n; i++) {
                long w = reader.getWidth(i), h = reader.getHeight(i);
                checkPixels(file, "frame " + i, w, h, MAX_PIXELS);
                offsets[i] = offset(reader.getImageMetadata(i));
                width = Math.max(width, w + offsets[i][0]);
                height = Math.max(height, h + offsets[i][1]);
            }
            int[] screen = screen(reader.getStreamMetadata(), (int) Math.min(width, Integer.MAX_VALUE), (int) Math.min(height, Integer.MAX_VALUE));
            checkPixels(file, "the canvas", screen[0], screen[1], MAX_PIXELS);
            if ((long) screen[0] * screen[1] * n > MAX_CLIP_PIXELS) {
                throw new DataException(file + ": " + n + " frames of " + screen[0] + "x" + screen[1] + " are over the budget of " + MAX_CLIP_PIXELS
                        + " pixels; refused before decoding");
            }
            List<BufferedImage> frames = new ArrayList<>(n);
            BufferedImage canvas = rgb(screen[0], screen[1], WHITE);
            for (int i = 0; i < n; i++) {
                BufferedImage f = reader.read(i);
                BufferedImage next = copy(canvas);
                for (int y = 0; y < f.getHeight(); y++) {
                    for (int x = 0; x < f.getWidth(); x++) {
                        int argb = f.getRGB(x, y);
                        int cx = x + offsets[i][0], cy = y + offsets[i][1];
                        if ((argb >>> 24) >= 128 && cx < next.getWidth() && cy < next.getHeight()) next.setRGB(cx, cy, argb & 0xFFFFFF);
                    }
                }
                frames.add(next);
                canvas = next;
            }
            return frames;
        });
    }

    private interface ReaderBody<T> {
        T apply(ImageReader reader) throws IOException;
    }

    private static <T> T withReader(Path file, ReaderBody<T> body) throws IOException {
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            if (in == null) throw new DataException("cannot open " + file);
            var readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) throw new DataException("not an image: " + file);
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, false);
                return body.apply(reader);
            } finally {
                reader.dispose();
            }
        }
    }

    private static void checkPixels(Path file, String what, long w, long h, long budget) {
        if (w <= 0 || h <= 0 || w * h > budget) {
            throw new DataException(file + ": " + what + " is " + w + "x" + h + ", over the budget of " + budget + " pixels; refused before decoding");
        }
    }

    public static BufferedImage copy(BufferedImage img) {
        BufferedImage out = new BufferedImage(img.getWidth(), img.getHeight(), BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < img.getHeight(); y++) for (int x = 0; x < img.getWidth(); x++) out.setRGB(x, y, img.getRGB(x, y) & 0xFFFFFF);
        return out;
    }

    private static int[] offset(IIOMetadata meta) {
        if (meta == null || !"javax_imageio_gif_image_1.0".equals(meta.getNativeMetadataFormatName())) return new int[2];
        IIOMetadataNode root = (IIOMetadataNode) meta.getAsTree(meta.getNativeMetadataFormatName());
        var nodes = root.getElementsByTagName("ImageDescriptor");
        if (nodes.getLength() == 0) return new int[2];
        IIOMetadataNode d = (IIOMetadataNode) nodes.item(0);
        return new int[] {Integer.parseInt(d.getAttribute("imageLeftPosition")), Integer.parseInt(d.getAttribute("imageTopPosition"))};
    }

    /** The GIF logical screen size grown to the frames' extent (w, h), else that extent. */
    private static int[] screen(IIOMetadata stream, int w, int h) {
        if (stream == null || !"javax_imageio_gif_stream_1.0".equals(stream.getNativeMetadataFormatName())) return new int[] {w, h};
        IIOMetadataNode root = (IIOMetadataNode) stream.getAsTree(stream.getNativeMetadataFormatName());
        var nodes = root.getElementsByTagName("LogicalScreenDescriptor");
        if (nodes.getLength() == 0) return new int[] {w, h};
        IIOMetadataNode d = (IIOMetadataNode) nodes.item(0);
        return new int[] {Math.max(w, Integer.parseInt(d.getAttribute("logicalScreenWidth"))),
                Math.max(h, Integer.parseInt(d.getAttribute("logicalScreenHeight")))};
    }

    private static IIOMetadataNode child(IIOMetadataNode root, String name) {
        for (int i = 0; i < root.getLength(); i++) {
            if (root.item(i).getNodeName().equalsIgnoreCase(name)) return (IIOMetadataNode) root.item(i);
        }
        IIOMetadataNode node = new IIOMetadataNode(name);
        root.appendChild(node);
        return node;
    }
}
