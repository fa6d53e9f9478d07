package ai.emu4j.train.lm;

import ai.emu4j.core.util.Rng;
import ai.emu4j.models.vq.RgbImage;
import ai.emu4j.models.vq.VQImages;

import java.nio.charset.StandardCharsets;

/**
 * Extra views of a training picture for the visual-to-text direction ({@code train lm --views}): the
 * picture shrunk to {@value #MIN_SCALE}..1 of its size (Pillow bicubic), placed at a random offset on a
 * canvas of its top-left pixel's colour (the background of an emoji), and mirrored left-right half the
 * time. Colours are left alone: they carry most of what tells one emoji from another.
 * <p>
 * Why: two drawings of one emoji share colours and layout but hardly any VQ codes, and a captioner that
 * has only ever seen one code sequence per picture learns that sequence by heart. Several views per
 * picture give it different code sequences with one answer. A view is a pure function of (seed, id, k),
 * so the token cache and a resumed run see the same pixels. Cost: one VQ encode per view, once.
 */
final class PictureViews {
    static final double MIN_SCALE = 0.7;

    private PictureViews() {}

    /** View k >= 1 of the picture with this manifest id. */
    static RgbImage view(RgbImage image, long seed, String id, int k) {
        if (k < 1) throw new IllegalArgumentException("views are numbered from 1, got " + k);
        Rng rng = new Rng(mix(seed, id, k));
        int w = image.width(), h = image.height();
        double scale = MIN_SCALE + (1 - MIN_SCALE) * rng.nextDouble();
        int sw = Math.max(1, (int) Math.round(w * scale)), sh = Math.max(1, (int) Math.round(h * scale));
        int dx = rng.nextInt(w - sw + 1), dy = rng.nextInt(h - sh + 1);
        boolean mirror = rng.nextDouble() < 0.5;
        RgbImage small = VQImages.resize(image, sw, sh);
        byte[] src = small.rgb(), out = new byte[w * h * 3];
        byte[] bg = {image.rgb()[0], image.rgb()[1], image.rgb()[2]};
        for (int i = 0; i < w * h; i++) System.arraycopy(bg, 0, out, i * 3, 3);
        for (int y = 0; y < sh; y++) {
            for (int x = 0; x < sw; x++) {
                int sx = mirror ? sw - 1 - x : x;
                System.arraycopy(src, (y * sw + sx) * 3, out, ((dy + y) * w + dx + x) * 3, 3);
            }
        }
        return new RgbImage(w, h, out);
    }

    /** The cache key of view k of an entry (k = 0: the picture itself, keyed by its id). */
    static String key(String id, int k) {
        return k == 0 ? id : id + "#view" + k;
    }

    private static long mix(long seed, String id, int k) {
        long x = seed;
        for (byte b : id.getBytes(StandardCharsets.UTF_8)) x = (x ^ (b & 0xff)) * 0x100000001B3L;
        return x * 0x9E3779B97F4A7C15L + k;
    }
}
