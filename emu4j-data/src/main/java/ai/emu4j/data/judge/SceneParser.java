package ai.emu4j.data.judge;

import ai.emu4j.data.Images;
import ai.emu4j.data.shapes.Position;
import ai.emu4j.data.shapes.ShapeColor;
import ai.emu4j.data.shapes.ShapeKind;
import ai.emu4j.data.shapes.ShapeSize;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * Deterministic parser of shapes scenes, trusting no model. Steps, O(pixels):
 * (1) foreground = pixels nearer to some palette colour than to the white background;
 * (2) 4-connected components, dropping specks below {@link #MIN_AREA} (noise);
 * (3) colour = palette colour nearest to the mean of the component's eroded core, where edge blending with
 *     the background (blur) cannot pull it towards a neighbouring palette entry;
 * (4) shape: a triangle's centroid sits 1/6 of its height off the bounding-box centre (circles and squares:
 *     0), which survives blur of small shapes where the fill ratio does not; then fill ratio of the bounding
 *     box separates square (1.0) from circle (pi/4); size by the larger bounding-box side, position by the
 *     nearest anchor to the centroid.
 * Touching objects merge into one blob: the dataset never draws them touching (anchors leave a gap).
 */
public final class SceneParser {
    /** Minimum blob area on a 64x64 image (a small triangle has 50 px). */
    public static final int MIN_AREA = 12;
    /** Centroid offset from the bounding-box centre, as a fraction of the box, above which a blob is a triangle. */
    static final double SKEW = 0.07;

    private SceneParser() {}

    public static List<Blob> parse(BufferedImage img) {
        int w = img.getWidth(), h = img.getHeight();
        int[] rgb = img.getRGB(0, 0, w, h, null, 0, w);
        boolean[] fg = new boolean[w * h];
        for (int i = 0; i < rgb.length; i++) {
            int c = rgb[i] & 0xFFFFFF;
            fg[i] = ShapeColor.distance2(c, ShapeColor.nearest(c).rgb) < ShapeColor.distance2(c, Images.WHITE);
        }
        int[] label = new int[w * h];
        int[] stack = new int[w * h];
        int[] members = new int[w * h];
        double scale = w * h / (64.0 * 64.0);
        List<Blob> blobs = new ArrayList<>();
        int next = 0;
        for (int start = 0; start < fg.length; start++) {
            if (!fg[start] || label[start] != 0) continue;
            int id = ++next, sp = 0, n = 0;
            stack[sp++] = start;
            label[start] = id;
            while (sp > 0) {
                int p = stack[--sp];
                members[n++] = p;
                int x = p % w, y = p / w;
                if (x > 0) sp = push(fg, label, stack, sp, p - 1, id);
                if (x < w - 1) sp = push(fg, label, stack, sp, p + 1, id);
                if (y > 0) sp = push(fg, label, stack, sp, p - w, id);
                if (y < h - 1) sp = push(fg, label, stack, sp, p + w, id);
            }
            if (n >= MIN_AREA * scale) blobs.add(measure(rgb, label, members, n, id, w, h));
        }
        return blobs;
    }

    private static int push(boolean[] fg, int[] label, int[] stack, int sp, int q, int id) {
        if (fg[q] && label[q] == 0) {
            label[q] = id;
            stack[sp++] = q;
        }
        return sp;
    }

    private static Blob measure(int[] rgb, int[] label, int[] members, int n, int id, int w, int h) {
        int x0 = w, y0 = h, x1 = -1, y1 = -1;
        long sx = 0, sy = 0;
        long[] all = new long[3], core = new long[3];
        int coreN = 0;
        for (int k = 0; k < n; k++) {
            int p = members[k], x = p % w, y = p / w;
            x0 = Math.min(x0, x);
            y0 = Math.min(y0, y);
            x1 = Math.max(x1, x);
            y1 = Math.max(y1, y);
            sx += x;
            sy += y;
            boolean inner = x > 0 && x < w - 1 && y > 0 && y < h - 1
                    && label[p - 1] == id && label[p + 1] == id && label[p - w] == id && label[p + w] == id;
            add(all, rgb[p]);
            if (inner) {
                add(core, rgb[p]);
                coreN++;
            }
        }
        long[] sum = coreN > 0 ? core : all;
        int cnt = coreN > 0 ? coreN : n;
        int mean = (int) (sum[0] / cnt) << 16 | (int) (sum[1] / cnt) << 8 | (int) (sum[2] / cnt);
        int bw = x1 - x0 + 1, bh = y1 - y0 + 1;
        double fill = n / (double) (bw * bh);
        double cx = sx / (double) n + 0.5, cy = sy / (double) n + 0.5;
        double skew = Math.max(Math.abs(cx - (x0 + bw / 2.0)) / bw, Math.abs(cy - (y0 + bh / 2.0)) / bh);
        ShapeKind shape = skew > SKEW || fill < 0.6 ? ShapeKind.TRIANGLE : fill >= 0.9 ? ShapeKind.SQUARE : ShapeKind.CIRCLE;
        int extent64 = (int) Math.round(Math.max(bw * 64.0 / w, bh * 64.0 / h));
        return new Blob(ShapeColor.nearest(mean), shape, ShapeSize.of(extent64), Position.nearest(cx, cy, w, h), cx, cy, n, bw, bh, fill);
    }

    private static void add(long[] acc, int c) {
        acc[0] += (c >> 16) & 0xff;
        acc[1] += (c >> 8) & 0xff;
        acc[2] += c & 0xff;
    }
}
