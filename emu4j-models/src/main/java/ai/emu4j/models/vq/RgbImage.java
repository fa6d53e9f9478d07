package ai.emu4j.models.vq;

/** An 8-bit RGB image, row-major interleaved (H, W, 3) as numpy/PIL hold it; values are unsigned bytes. */
public record RgbImage(int width, int height, byte[] rgb) {
    public RgbImage {
        if (width <= 0 || height <= 0) throw new IllegalArgumentException("image size must be positive, got " + width + "x" + height);
        if (rgb.length != (long) width * height * 3) throw new IllegalArgumentException(width + "x" + height + " RGB needs " + (long) width * height * 3 + " bytes, got " + rgb.length);
    }

    /** Channel c (0 = R) of pixel (x, y), 0..255. */
    public int get(int x, int y, int c) {
        return rgb[(y * width + x) * 3 + c] & 0xff;
    }
}
