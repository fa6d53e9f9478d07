package ai.emu4j.models.vq;

import java.util.Arrays;

/**
 * Reconstruction metrics on 8-bit RGB, as tokenizer papers report them: PSNR over all channels with
 * peak 255, and SSIM of Wang et al. (11x11 Gaussian window, sigma 1.5, K1 0.01, K2 0.03, valid
 * region only) per channel, averaged. Both cost O(pixels); SSIM about 250 multiply-adds per pixel.
 */
public final class VQMetrics {
    private static final int WIN = 11;
    private static final double SIGMA = 1.5, C1 = Math.pow(0.01 * 255, 2), C2 = Math.pow(0.03 * 255, 2);
    private static final double[] GAUSS = gaussian();

    private VQMetrics() {}

    /** PSNR in dB; +Infinity for identical images. */
    public static double psnr(RgbImage a, RgbImage b) {
        return psnrFromMse(mse(a, b));
    }

    public static double psnrFromMse(double mse) {
        return mse == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(255.0 * 255.0 / mse);
    }

    public static double mse(RgbImage a, RgbImage b) {
        same(a, b);
        double s = 0;
        byte[] x = a.rgb(), y = b.rgb();
        for (int i = 0; i < x.length; i++) {
            double d = (x[i] & 0xff) - (y[i] & 0xff);
            s += d * d;
        }
        return s / x.length;
    }

    /** Mean SSIM over the 3 channels; 1 for identical images. Images smaller than 11x11 use their whole area as one window. */
    public static double ssim(RgbImage a, RgbImage b) {
        same(a, b);
        double total = 0;
        for (int c = 0; c < 3; c++) total += ssimChannel(plane(a, c), plane(b, c), a.width(), a.height());
        return total / 3;
    }

    private static double ssimChannel(double[] x, double[] y, int w, int h) {
        int win = Math.min(WIN, Math.min(w, h));
        double[] g = win == WIN ? GAUSS : uniform(win);
        double sum = 0;
        int n = 0;
        for (int oy = 0; oy + win <= h; oy++) {
            for (int ox = 0; ox + win <= w; ox++) {
                double mx = 0, my = 0, sxx = 0, syy = 0, sxy = 0;
                for (int j = 0; j < win; j++) {
                    for (int i = 0; i < win; i++) {
                        double wt = g[j] * g[i], u = x[(oy + j) * w + ox + i], v = y[(oy + j) * w + ox + i];
                        mx += wt * u;
                        my += wt * v;
                        sxx += wt * u * u;
                        syy += wt * v * v;
                        sxy += wt * u * v;
                    }
                }
                sxx -= mx * mx;
                syy -= my * my;
                sxy -= mx * my;
                sum += (2 * mx * my + C1) * (2 * sxy + C2) / ((mx * mx + my * my + C1) * (sxx + syy + C2));
                n++;
            }
        }
        return sum / n;
    }

    /** exp(entropy) of a code histogram: the effective number of codes in use. */
    public static double perplexity(long[] hits) {
        double total = 0, entropy = 0;
        for (long h : hits) total += h;
        for (long h : hits) if (h > 0) entropy -= h / total * Math.log(h / total);
        return Math.exp(entropy);
    }

    private static double[] plane(RgbImage im, int c) {
        double[] p = new double[im.width() * im.height()];
        for (int i = 0; i < p.length; i++) p[i] = im.rgb()[i * 3 + c] & 0xff;
        return p;
    }

    private static void same(RgbImage a, RgbImage b) {
        if (a.width() != b.width() || a.height() != b.height()) {
            throw new IllegalArgumentException("images differ in size: " + a.width() + "x" + a.height() + " vs " + b.width() + "x" + b.height());
        }
    }

    private static double[] gaussian() {
        double[] g = new double[WIN];
        double s = 0;
        for (int i = 0; i < WIN; i++) s += g[i] = Math.exp(-Math.pow(i - WIN / 2, 2) / (2 * SIGMA * SIGMA));
        for (int i = 0; i < WIN; i++) g[i] /= s;
        return g;
    }

    private static double[] uniform(int n) {
        double[] g = new double[n];
        Arrays.fill(g, 1.0 / n);
        return g;
    }
}
