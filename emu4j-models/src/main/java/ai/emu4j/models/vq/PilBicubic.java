package ai.emu4j.models.vq;

/**
 * Pillow's {@code Image.resize(size, Image.BICUBIC)} on 8-bit images (libImaging/Resample.c, Pillow
 * 9.x), reproduced operation for operation so that the output bytes are identical:
 * <ul>
 * <li>cubic kernel with a = -0.5 (not PyTorch's -0.75), support 2, widened by the scale factor when
 *     shrinking (antialiasing), window bounds rounded with C's truncating casts;</li>
 * <li>weights normalised to sum 1 in double, then fixed point with 22 fractional bits, rounded half
 *     away from zero;</li>
 * <li>two separable passes, horizontal first, each accumulating in 32-bit ints from 2^21 (a rounding
 *     half) and clamping to 0..255 after the pass, so the intermediate image is uint8 too;</li>
 * <li>an axis whose size does not change is not resampled at all.</li>
 * </ul>
 * Cost: (out_w * in_h * kw + out_w * out_h * kh) multiply-adds per channel, kw/kh = 4 taps when
 * enlarging and 4 * scale when shrinking.
 */
final class PilBicubic {
    private static final int PRECISION_BITS = 32 - 8 - 2;
    private static final double A = -0.5;
    private static final double SUPPORT = 2.0;

    private PilBicubic() {}

    /** Per output index: first input index, tap count and fixed-point taps (k[x * ksize + i]). */
    private record Coeffs(int ksize, int[] xmin, int[] count, int[] k) {}

    private static double filter(double x) {
        if (x < 0) x = -x;
        if (x < 1) return ((A + 2) * x - (A + 3)) * x * x + 1;
        if (x < 2) return (((x - 5) * x + 8) * x - 4) * A;
        return 0;
    }

    /** precompute_coeffs() followed by normalize_coeffs_8bpc(), for the box (0, inSize). */
    private static Coeffs coeffs(int inSize, int outSize) {
        double scale = (double) inSize / outSize;
        double filterscale = Math.max(scale, 1.0);
        double support = SUPPORT * filterscale;
        int ksize = (int) Math.ceil(support) * 2 + 1;
        int[] xmins = new int[outSize], counts = new int[outSize], k = new int[outSize * ksize];
        double[] w = new double[ksize];
        for (int xx = 0; xx < outSize; xx++) {
            double center = (xx + 0.5) * scale;
            double ss = 1.0 / filterscale;
            int xmin = Math.max(0, (int) (center - support + 0.5));
            int xmax = Math.min(inSize, (int) (center + support + 0.5)) - xmin;
            double ww = 0;
            for (int x = 0; x < xmax; x++) {
                w[x] = filter((x + xmin - center + 0.5) * ss);
                ww += w[x];
            }
            for (int x = 0; x < xmax; x++) {
                double v = ww != 0 ? w[x] / ww : w[x];
                k[xx * ksize + x] = v < 0 ? (int) (-0.5 + v * (1 << PRECISION_BITS)) : (int) (0.5 + v * (1 << PRECISION_BITS));
            }
            xmins[xx] = xmin;
            counts[xx] = xmax;
        }
        return new Coeffs(ksize, xmins, counts, k);
    }

    private static int clip8(int v) {
        if (v >= 1 << PRECISION_BITS << 8) return 255;
        if (v <= 0) return 0;
        return v >> PRECISION_BITS;
    }

    /** Interleaved uint8 pixels (h, w, channels) -> (outH, outW, channels). */
    static byte[] resize(byte[] src, int w, int h, int channels, int outW, int outH) {
        if (w <= 0 || h <= 0 || outW <= 0 || outH <= 0) throw new IllegalArgumentException("resize " + w + "x" + h + " -> " + outW + "x" + outH);
        if (src.length != (long) w * h * channels) throw new IllegalArgumentException("pixel buffer holds " + src.length + " bytes, " + w + "x" + h + "x" + channels + " expected");
        byte[] cur = src;
        if (outW != w) {
            cur = horizontal(cur, w, h, channels, outW);
            w = outW;
        }
        if (outH != h) cur = vertical(cur, w, h, channels, outH);
        return cur == src ? src.clone() : cur;
    }

    private static byte[] horizontal(byte[] in, int w, int h, int ch, int outW) {
        Coeffs c = coeffs(w, outW);
        byte[] out = new byte[outW * h * ch];
        for (int y = 0; y < h; y++) {
            int row = y * w * ch;
            for (int xx = 0; xx < outW; xx++) {
                int kb = xx * c.ksize(), x0 = c.xmin()[xx], n = c.count()[xx];
                for (int b = 0; b < ch; b++) {
                    int ss = 1 << (PRECISION_BITS - 1);
                    for (int x = 0; x < n; x++) ss += (in[row + (x0 + x) * ch + b] & 0xff) * c.k()[kb + x];
                    out[(y * outW + xx) * ch + b] = (byte) clip8(ss);
                }
            }
        }
        return out;
    }

    private static byte[] vertical(byte[] in, int w, int h, int ch, int outH) {
        Coeffs c = coeffs(h, outH);
        byte[] out = new byte[w * outH * ch];
        for (int yy = 0; yy < outH; yy++) {
            int kb = yy * c.ksize(), y0 = c.xmin()[yy], n = c.count()[yy];
            for (int xb = 0; xb < w * ch; xb++) {
                int ss = 1 << (PRECISION_BITS - 1);
                for (int y = 0; y < n; y++) ss += (in[(y0 + y) * w * ch + xb] & 0xff) * c.k()[kb + y];
                out[yy * w * ch + xb] = (byte) clip8(ss);
            }
        }
        return out;
    }
}
