package ai.emu4j.models.vq;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;

/**
 * Clips and annotated pictures on disk: GIF frames in and out, PNG with tEXt chunks. Every writer
 * writes a temporary file in the target's folder and renames it over the target, so a failed or
 * interrupted write leaves no half-written output.
 */
public final class MediaFiles {
    private MediaFiles() {}

    /**
     * Every frame of a GIF (composited as the GIF's disposal methods say, under VQVideos' frame and
     * pixel budgets) or the single picture of another format, as RGB.
     */
    public static List<RgbImage> readFrames(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new IOException(file + ": not a file");
        if (VQVideos.isGif(file)) return VQVideos.readGif(file, VQVideos.DEFAULT_MAX_FRAMES, VQImages.DEFAULT_MAX_PIXELS);
        return List.of(VQImages.read(file));
    }

    /**
     * A PNG with one text chunk per entry: tEXt when the value is Latin-1 (what the PNG spec allows in
     * tEXt), iTXt (UTF-8) otherwise, so prompts in any script survive. Keywords must be 1-79 Latin-1 characters.
     */
    public static void writePng(RgbImage image, Map<String, String> text, Path file) throws IOException {
        atomically(file, tmp -> {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                writePng(image, text, out);
            }
        });
    }

    /** The same PNG (text chunks included) written to a stream, for callers that keep it in memory; the stream is not closed. */
    public static void writePng(RgbImage image, Map<String, String> text, OutputStream stream) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("png").next();
        BufferedImage bi = toBuffered(image);
        ImageWriteParam param = writer.getDefaultWriteParam();
        IIOMetadata meta = writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(bi), param);
        IIOMetadataNode tEXt = new IIOMetadataNode("tEXt"), iTXt = new IIOMetadataNode("iTXt");
        text.forEach((k, v) -> {
            if (v.chars().allMatch(ch -> ch <= 0xFF)) {
                IIOMetadataNode e = new IIOMetadataNode("tEXtEntry");
                e.setAttribute("keyword", k);
                e.setAttribute("value", v);
                tEXt.appendChild(e);
            } else {
                IIOMetadataNode e = new IIOMetadataNode("iTXtEntry");
                e.setAttribute("keyword", k);
                e.setAttribute("compressionFlag", "FALSE");
                e.setAttribute("compressionMethod", "0");
                e.setAttribute("languageTag", "");
                e.setAttribute("translatedKeyword", "");
                e.setAttribute("text", v);
                iTXt.appendChild(e);
            }
        });
        IIOMetadataNode root = new IIOMetadataNode("javax_imageio_png_1.0");
        if (tEXt.getLength() > 0) root.appendChild(tEXt);
        if (iTXt.getLength() > 0) root.appendChild(iTXt);
        meta.mergeTree("javax_imageio_png_1.0", root);
        // The cache-less stream: ImageIO's default may spill to temporary files.
        try (ImageOutputStream out = new MemoryCacheImageOutputStream(stream)) {
            writer.setOutput(out);
            writer.write(null, new IIOImage(bi, null, meta), param);
        } finally {
            writer.dispose();
        }
    }

    /** {@link #writePng(RgbImage, Map, OutputStream)} into a byte array. */
    public static byte[] pngBytes(RgbImage image, Map<String, String> text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            writePng(image, text, out);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("PNG encoding into memory failed", e);
        }
        return out.toByteArray();
    }

    /** The tEXt and iTXt chunks of a PNG, keyword to value. */
    public static Map<String, String> readPngText(Path file) throws IOException {
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            ImageReader reader = ImageIO.getImageReadersByFormatName("png").next();
            try {
                reader.setInput(in, true, false);
                IIOMetadataNode root = (IIOMetadataNode) reader.getImageMetadata(0).getAsTree("javax_imageio_png_1.0");
                Map<String, String> out = new java.util.LinkedHashMap<>();
                var entries = root.getElementsByTagName("tEXtEntry");
                for (int i = 0; i < entries.getLength(); i++) {
                    var e = (IIOMetadataNode) entries.item(i);
                    out.put(e.getAttribute("keyword"), e.getAttribute("value"));
                }
                var international = root.getElementsByTagName("iTXtEntry");
                for (int i = 0; i < international.getLength(); i++) {
                    var e = (IIOMetadataNode) international.item(i);
                    out.put(e.getAttribute("keyword"), e.getAttribute("text"));
                }
                return out;
            } finally {
                reader.dispose();
            }
        }
    }

    /** An animated GIF looping forever, delayCentis hundredths of a second per frame, written atomically. */
    public static void writeGif(List<RgbImage> frames, int delayCentis, Path file) throws IOException {
        if (frames.isEmpty()) throw new IllegalArgumentException("a GIF needs at least one frame");
        atomically(file, tmp -> VQVideos.writeGif(frames, tmp, delayCentis));
    }

    private static BufferedImage toBuffered(RgbImage image) {
        BufferedImage bi = new BufferedImage(image.width(), image.height(), BufferedImage.TYPE_3BYTE_BGR);
        int[] px = new int[image.width() * 3];
        for (int y = 0; y < image.height(); y++) {
            for (int i = 0; i < px.length; i++) px[i] = image.rgb()[y * px.length + i] & 0xff;
            bi.getRaster().setPixels(0, y, image.width(), 1, px);
        }
        return bi;
    }

    @FunctionalInterface
    public interface Writer {
        void write(Path tmp) throws IOException;
    }

    /** Runs writer on a temporary sibling of target, then renames it over target; the temporary file never survives a failure. */
    public static void atomically(Path target, Writer writer) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir)) throw new java.nio.file.NoSuchFileException(String.valueOf(dir), null, "output folder does not exist");
        Path tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
        try {
            // createTempFile makes the file owner-only; outputs are ordinary files.
            if (dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
            }
            writer.write(tmp);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
