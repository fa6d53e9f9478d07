package ai.emu4j.data;

import ai.emu4j.core.util.Rng;
import java.awt.image.BufferedImage;

/** Degradations for the judges' robustness checks: seeded Gaussian noise and a 3x3 box blur. */
public final class Perturb {
    private Perturb() {}

    public static BufferedImage noise(BufferedImage img, double sigma, long seed) {
        Rng rng = new Rng(seed);
        BufferedImage out = Images.copy(img);
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int c = img.getRGB(x, y), rgb = 0;
                for (int shift = 16; shift >= 0; shift -= 8) {
                    int v = (int) Math.round(((c >> shift) & 0xff) + sigma * rng.nextGaussian());
                    rgb |= Math.clamp(v, 0, 255) << shift;
                }
                out.setRGB(x, y, rgb);
            }
        }
        return out;
    }

    public static BufferedImage blur(BufferedImage img) {
        int w = img.getWidth(), h = img.getHeight();
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int[] s = new int[3];
                int n = 0;
                for (int dy = -1; dy <= 1; dy++) {
                    for (int dx = -1; dx <= 1; dx++) {
                        int xx = Math.clamp(x + dx, 0, w - 1), yy = Math.clamp(y + dy, 0, h - 1);
                        int c = img.getRGB(xx, yy);
                        s[0] += (c >> 16) & 0xff;
                        s[1] += (c >> 8) & 0xff;
                        s[2] += c & 0xff;
                        n++;
                    }
                }
                out.setRGB(x, y, (s[0] / n) << 16 | (s[1] / n) << 8 | s[2] / n);
            }
        }
        return out;
    }
}
