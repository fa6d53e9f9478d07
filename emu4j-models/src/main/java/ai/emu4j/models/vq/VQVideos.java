package ai.emu4j.models.vq;

import java.awt.AlphaComposite;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Video as animated GIF or a folder of numbered frames, with javax.imageio only (no native code).
 * <p>
 * GIF frames after the first usually store only a changed sub-rectangle (PIL writes them so), so
 * each frame is drawn at its offset onto a canvas of the logical screen size, transparent pixels
 * letting the previous canvas show, and the frame's disposal method is applied before the next:
 * restoreToBackgroundColor clears its rectangle, restoreToPrevious puts the canvas back as it was.
 * Budgets: the logical screen size is checked against the pixel budget before any frame is
 * decoded, and reading stops with an error at the frame after {@code maxFrames}, so a GIF with
 * thousands of frames costs at most maxFrames decoded canvases.
 */
public final class VQVideos {
    public static final int DEFAULT_MAX_FRAMES = 256;
    private static final Pattern NUMBER = Pattern.compile("(\\d+)(?!.*\\d)");

    private VQVideos() {}

    public static boolean isGif(Path p) {
        return p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".gif");
    }

    public static List<RgbImage> readGif(Path file, int maxFrames, long maxPixels) throws IOException {
        if (!Files.isRegularFile(file)) throw new IOException(file + ": not a file");
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName("gif");
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, false, false);
                int[] screen = screenSize(reader, file);
                long pixels = (long) screen[0] * screen[1];
                if (screen[0] <= 0 || screen[1] <= 0 || pixels > maxPixels) {
                    throw new VQImages.ImageTooLargeException(file + ": GIF screen " + screen[0] + "x" + screen[1] + " is over the pixel budget of " + maxPixels + "; refused before decoding");
                }
                return frames(reader, screen[0], screen[1], maxFrames, file);
            } catch (javax.imageio.IIOException e) {
                throw new IOException(file + ": not a readable GIF (" + e.getMessage() + ")", e);
            } finally {
                reader.dispose();
            }
        }
    }

    private static int[] screenSize(ImageReader reader, Path file) throws IOException {
        IIOMetadata sm = reader.getStreamMetadata();
        if (sm == null) throw new IOException(file + ": not a GIF");
        Node lsd = child(sm.getAsTree("javax_imageio_gif_stream_1.0"), "LogicalScreenDescriptor");
        if (lsd == null) return new int[] {reader.getWidth(0), reader.getHeight(0)};
        return new int[] {attr(lsd, "logicalScreenWidth"), attr(lsd, "logicalScreenHeight")};
    }

    private static List<RgbImage> frames(ImageReader reader, int w, int h, int maxFrames, Path file) throws IOException {
        BufferedImage canvas = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
        List<RgbImage> out = new ArrayList<>();
        for (int i = 0; ; i++) {
            BufferedImage frame;
            try {
                frame = reader.read(i);
            } catch (IndexOutOfBoundsException end) {
                break;
            }
            if (i >= maxFrames) throw new IOException(file + ": more than " + maxFrames + " frames (frame budget); refused");
            Node gce = child(reader.getImageMetadata(i).getAsTree("javax_imageio_gif_image_1.0"), "GraphicControlExtension");
            Node desc = child(reader.getImageMetadata(i).getAsTree("javax_imageio_gif_image_1.0"), "ImageDescriptor");
            int x = desc == null ? 0 : attr(desc, "imageLeftPosition"), y = desc == null ? 0 : attr(desc, "imageTopPosition");
            String disposal = gce == null ? "none" : ((Element) gce).getAttribute("disposalMethod");
            BufferedImage before = "restoreToPrevious".equals(disposal) ? copy(canvas) : null;
            Graphics2D g = canvas.createGraphics();
            g.drawImage(frame, x, y, null);                       // SrcOver: transparent pixels keep the canvas
            g.dispose();
            out.add(VQImages.toRgb(canvas));
            if ("restoreToBackgroundColor".equals(disposal)) {
                Graphics2D c = canvas.createGraphics();
                c.setComposite(AlphaComposite.Clear);
                c.fillRect(x, y, frame.getWidth(), frame.getHeight());
                c.dispose();
            } else if (before != null) {
                canvas = before;
            }
        }
        if (out.isEmpty()) throw new IOException(file + ": GIF has no frames");
        return out;
    }

    /** Writes an animated GIF, looping forever, every frame whole, {@code delayCs} hundredths of a second each. */
    public static void writeGif(List<RgbImage> frames, Path file, int delayCs) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("gif").next();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(file.toFile())) {
            writer.setOutput(out);
            writer.prepareWriteSequence(null);
            for (RgbImage f : frames) {
                BufferedImage bi = toBuffered(f);
                IIOMetadata meta = writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(bi), null);
                String format = meta.getNativeMetadataFormatName();
                IIOMetadataNode root = (IIOMetadataNode) meta.getAsTree(format);
                IIOMetadataNode gce = node(root, "GraphicControlExtension");
                gce.setAttribute("disposalMethod", "none");
                gce.setAttribute("userInputFlag", "FALSE");
                gce.setAttribute("transparentColorFlag", "FALSE");
                gce.setAttribute("delayTime", Integer.toString(delayCs));
                gce.setAttribute("transparentColorIndex", "0");
                IIOMetadataNode apps = node(root, "ApplicationExtensions");
                IIOMetadataNode app = new IIOMetadataNode("ApplicationExtension");
                app.setAttribute("applicationID", "NETSCAPE");
                app.setAttribute("authenticationCode", "2.0");
                app.setUserObject(new byte[] {1, 0, 0});               // loop count 0 = forever
                apps.appendChild(app);
                meta.setFromTree(format, root);
                writer.writeToSequence(new IIOImage(bi, null, meta), null);
            }
            writer.endWriteSequence();
        } finally {
            writer.dispose();
        }
    }

    /** Image files in a folder ordered by the last number in their names (frame_2 before frame_10). */
    public static List<RgbImage> readFrames(Path dir, int maxFrames, long maxPixels) throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(Files::isRegularFile).filter(p -> NUMBER.matcher(p.getFileName().toString()).find())
                    .sorted(Comparator.comparingLong(VQVideos::frameNumber).thenComparing(Path::toString)).toList();
        }
        if (files.isEmpty()) throw new IOException(dir + ": no numbered frame files");
        if (files.size() > maxFrames) throw new IOException(dir + ": " + files.size() + " frames, over the frame budget of " + maxFrames);
        List<RgbImage> out = new ArrayList<>();
        for (Path f : files) out.add(VQImages.read(f, maxPixels));
        return out;
    }

    /** Writes frame_00000.png, frame_00001.png, ... into dir (created). */
    public static void writeFrames(List<RgbImage> frames, Path dir) throws IOException {
        Files.createDirectories(dir);
        for (int i = 0; i < frames.size(); i++) VQImages.writePng(frames.get(i), dir.resolve(String.format("frame_%05d.png", i)));
    }

    private static long frameNumber(Path p) {
        Matcher m = NUMBER.matcher(p.getFileName().toString());
        m.find();
        String digits = m.group(1);
        return digits.length() > 18 ? Long.MAX_VALUE : Long.parseLong(digits);
    }

    private static BufferedImage toBuffered(RgbImage f) {
        BufferedImage bi = new BufferedImage(f.width(), f.height(), BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < f.height(); y++) {
            for (int x = 0; x < f.width(); x++) bi.setRGB(x, y, f.get(x, y, 0) << 16 | f.get(x, y, 1) << 8 | f.get(x, y, 2));
        }
        return bi;
    }

    private static BufferedImage copy(BufferedImage b) {
        BufferedImage c = new BufferedImage(b.getWidth(), b.getHeight(), BufferedImage.TYPE_INT_ARGB);
        c.setData(b.getData());
        return c;
    }

    private static Node child(Node root, String name) {
        for (Node n = root.getFirstChild(); n != null; n = n.getNextSibling()) if (n.getNodeName().equals(name)) return n;
        return null;
    }

    private static IIOMetadataNode node(IIOMetadataNode root, String name) {
        Node n = child(root, name);
        if (n != null) return (IIOMetadataNode) n;
        IIOMetadataNode made = new IIOMetadataNode(name);
        root.appendChild(made);
        return made;
    }

    private static int attr(Node n, String name) {
        return Integer.parseInt(((Element) n).getAttribute(name));
    }
}
