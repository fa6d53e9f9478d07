package ai.emu4j.models.vq;

import ai.emu4j.core.tensor.Tensor;

import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Image files to and from {@link RgbImage} with javax.imageio (PNG, JPEG, BMP, GIF: first frame).
 * <p>
 * Decompression bombs: the width and height are read from the file header BEFORE any pixel is
 * decoded, and an image over the pixel budget is refused; a 50 KB PNG can otherwise claim
 * 100000 x 100000 pixels and make the decoder allocate 30+ GB. The default budget is Pillow's
 * Image.MAX_IMAGE_PIXELS (89,478,485 = 1024^3 / 4 / 3), above which Pillow warns of a bomb.
 * <p>
 * Conversion to RGB follows PIL's convert("RGB") as used by transformers 4.44 (the version Emu3
 * pins): alpha is dropped, not composited; grey is replicated; palette images are looked up;
 * 16-bit samples keep their high byte. 8-bit rasters are read sample by sample rather than through
 * BufferedImage.getRGB, which would pass grey images through a linear-to-sRGB colour conversion.
 * JPEG decoding itself (IDCT, chroma upsampling) is Java's, not libjpeg's: pixels can differ from
 * Pillow's by a few levels, so JPEG inputs are not bit-identical to the official pipeline; PNG is.
 */
public final class VQImages {
    public static final long DEFAULT_MAX_PIXELS = 1024L * 1024 * 1024 / 4 / 3;

    private VQImages() {}

    /** Thrown when the header announces more pixels than the budget; nothing was decoded. */
    public static final class ImageTooLargeException extends IOException {
        public ImageTooLargeException(String message) {
            super(message);
        }
    }

    public static RgbImage read(Path file) throws IOException {
        return read(file, DEFAULT_MAX_PIXELS);
    }

    public static RgbImage read(Path file, long maxPixels) throws IOException {
        if (!Files.isRegularFile(file)) throw new IOException(file + ": not a file");
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            if (in == null) throw new IOException(file + ": cannot open");
            return read(in, file.toString(), maxPixels, 0);
        }
    }

    /**
     * Reads an image held in memory (an upload), under the same header-first pixel budget; with maxFrames
     * > 0, a multi-frame file (animated GIF) announcing more frames is refused too. Only the first frame
     * is decoded. Nothing is cached on disk.
     */
    public static RgbImage read(byte[] data, String name, long maxPixels, int maxFrames) throws IOException {
        return read(data, name, maxPixels, maxFrames, Long.MAX_VALUE);
    }

    /**
     * As {@link #read(byte[], String, long, int)}, and an image of more than decodePixels is decimated while it is
     * decoded (every n-th pixel of every n-th row, n as small as fits), so that a large upload never costs more
     * than decodePixels of memory; callers that resize anyway (the VQ processor) lose little.
     */
    public static RgbImage read(byte[] data, String name, long maxPixels, int maxFrames, long decodePixels) throws IOException {
        try (ImageInputStream in = new javax.imageio.stream.MemoryCacheImageInputStream(new java.io.ByteArrayInputStream(data))) {
            return read(in, name, maxPixels, maxFrames, decodePixels);
        }
    }

    private static RgbImage read(ImageInputStream in, String name, long maxPixels, int maxFrames) throws IOException {
        return read(in, name, maxPixels, maxFrames, Long.MAX_VALUE);
    }

    private static RgbImage read(ImageInputStream in, String name, long maxPixels, int maxFrames, long decodePixels) throws IOException {
        Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
        if (!readers.hasNext()) throw new IOException(name + ": not an image format javax.imageio can read");
        ImageReader reader = readers.next();
        try {
            reader.setInput(in, maxFrames <= 0, true);
            long w = reader.getWidth(0), h = reader.getHeight(0);  // header only
            if (w <= 0 || h <= 0 || w * h > maxPixels) {
                throw new ImageTooLargeException(name + ": header says " + w + "x" + h + " = " + w * h + " pixels, over the budget of "
                        + maxPixels + " (possible decompression bomb); refused before decoding");
            }
            if (maxFrames > 0) {
                // Frame headers only; stops counting once past the budget.
                int frames = 1;
                try {
                    while (frames <= maxFrames && reader.getWidth(frames) > 0) frames++;
                } catch (IndexOutOfBoundsException end) {
                    // no more frames
                }
                if (frames > maxFrames) throw new FrameLimitException(name + ": more than " + maxFrames + " frames (max_frames); refused before decoding");
            }
            javax.imageio.ImageReadParam param = reader.getDefaultReadParam();
            if (w * h > decodePixels) {
                int step = (int) Math.ceil(Math.sqrt((double) (w * h) / decodePixels));
                param.setSourceSubsampling(step, step, 0, 0);
            }
            return toRgb(reader.read(0, param));
        } finally {
            reader.dispose();
        }
    }

    /** Thrown when a multi-frame image announces more frames than allowed; nothing was decoded. */
    public static final class FrameLimitException extends IOException {
        public FrameLimitException(String message) {
            super(message);
        }
    }

    /** Writes PNG (lossless, so the bytes read back are the bytes written). */
    public static void writePng(RgbImage image, Path file) throws IOException {
        BufferedImage bi = new BufferedImage(image.width(), image.height(), BufferedImage.TYPE_3BYTE_BGR);
        int[] px = new int[image.width() * 3];
        for (int y = 0; y < image.height(); y++) {
            for (int i = 0; i < px.length; i++) px[i] = image.rgb()[y * px.length + i] & 0xff;
            bi.getRaster().setPixels(0, y, image.width(), 1, px);
        }
        if (!ImageIO.write(bi, "png", file.toFile())) throw new IOException("no PNG writer");
    }

    /**
     * Scales the shorter side to {@code size} (PIL bicubic, as the processor resizes) and crops the
     * centre square: the training-set view of an image of any shape.
     */
    public static RgbImage squareCrop(RgbImage image, int size) {
        double scale = (double) size / Math.min(image.width(), image.height());
        int w = Math.max(size, (int) Math.round(image.width() * scale)), h = Math.max(size, (int) Math.round(image.height() * scale));
        byte[] resized = w == image.width() && h == image.height() ? image.rgb() : PilBicubic.resize(image.rgb(), image.width(), image.height(), 3, w, h);
        int x0 = (w - size) / 2, y0 = (h - size) / 2;
        byte[] out = new byte[size * size * 3];
        for (int y = 0; y < size; y++) System.arraycopy(resized, ((y0 + y) * w + x0) * 3, out, y * size * 3, size * 3);
        return new RgbImage(size, size, out);
    }

    /** Pillow's bicubic resize to width x height (antialiased when shrinking). */
    public static RgbImage resize(RgbImage image, int width, int height) {
        if (width == image.width() && height == image.height()) return image;
        return new RgbImage(width, height, PilBicubic.resize(image.rgb(), image.width(), image.height(), 3, width, height));
    }

    /** RGB -> float (3, H, W) in [-1, 1] (x / 127.5 - 1, the hub processor's rescale and normalise). */
    public static Tensor toTensor(RgbImage image) {
        int plane = image.width() * image.height();
        float[] out = new float[3 * plane];
        byte[] px = image.rgb();
        for (int i = 0; i < plane; i++) {
            for (int c = 0; c < 3; c++) out[c * plane + i] = (float) ((px[i * 3 + c] & 0xff) / 255.0) * 2 - 1;
        }
        return Tensor.of(out, 3, image.height(), image.width());
    }

    public static RgbImage toRgb(BufferedImage bi) {
        int w = bi.getWidth(), h = bi.getHeight();
        byte[] out = new byte[Math.multiplyExact(Math.multiplyExact(w, h), 3)];
        Raster r = bi.getRaster();
        ColorModel cm = bi.getColorModel();
        int bands = r.getNumBands(), bits = r.getSampleModel().getSampleSize(0);
        int space = cm.getColorSpace().getType();
        boolean direct = !(cm instanceof IndexColorModel) && (bits == 8 || bits == 16)
                && (bands <= 2 && space == java.awt.color.ColorSpace.TYPE_GRAY || bands >= 3 && bands <= 4 && space == java.awt.color.ColorSpace.TYPE_RGB);
        if (direct) {
            int shift = bits - 8;
            int[] row = new int[w * bands];
            for (int y = 0; y < h; y++) {
                r.getPixels(0, y, w, 1, row);
                for (int x = 0; x < w; x++) {
                    int o = (y * w + x) * 3;
                    for (int c = 0; c < 3; c++) out[o + c] = (byte) (row[x * bands + (bands <= 2 ? 0 : c)] >> shift);
                }
            }
        } else {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int argb = bi.getRGB(x, y), o = (y * w + x) * 3;
                    out[o] = (byte) (argb >> 16);
                    out[o + 1] = (byte) (argb >> 8);
                    out[o + 2] = (byte) argb;
                }
            }
        }
        return new RgbImage(w, h, out);
    }
}
