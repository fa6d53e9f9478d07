package ai.emu4j.data.judge;

import ai.emu4j.data.sprites.Direction;
import java.awt.image.BufferedImage;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Measures the motion of the single object of a clip without any model: background = the most common
 * border colour of the first frame; object mask = pixels whose largest channel difference from it exceeds
 * {@link #THRESHOLD} (far above sensor-like noise, sigma 10); centroid per frame; least-squares velocity.
 * A velocity under {@link #MIN_SPEED} px/frame on both axes is STILL. Cost: O(frames * pixels).
 */
public final class MotionTracker {
    public static final int THRESHOLD = 48;
    public static final double MIN_SPEED = 0.5;

    private MotionTracker() {}

    public static Track track(List<BufferedImage> frames) {
        if (frames.isEmpty()) throw new IllegalArgumentException("no frames");
        int bg = background(frames.getFirst());
        int n = frames.size();
        double[] cx = new double[n], cy = new double[n];
        for (int t = 0; t < n; t++) {
            BufferedImage f = frames.get(t);
            long sx = 0, sy = 0, cnt = 0;
            for (int y = 0; y < f.getHeight(); y++) {
                for (int x = 0; x < f.getWidth(); x++) {
                    if (differs(f.getRGB(x, y), bg)) {
                        sx += x;
                        sy += y;
                        cnt++;
                    }
                }
            }
            cx[t] = cnt == 0 ? Double.NaN : sx / (double) cnt + 0.5;
            cy[t] = cnt == 0 ? Double.NaN : sy / (double) cnt + 0.5;
        }
        double vx = slope(cx), vy = slope(cy);
        Direction d = Math.max(Math.abs(vx), Math.abs(vy)) < MIN_SPEED || Double.isNaN(vx) ? Direction.STILL
                : Math.abs(vx) >= Math.abs(vy) ? (vx < 0 ? Direction.LEFT : Direction.RIGHT)
                : (vy < 0 ? Direction.UP : Direction.DOWN);
        return new Track(cx, cy, vx, vy, d, consistency(cx, cy, d));
    }

    /** The mask rule: some channel differs by more than THRESHOLD. */
    public static boolean differs(int a, int b) {
        for (int shift = 0; shift <= 16; shift += 8) {
            if (Math.abs(((a >> shift) & 0xff) - ((b >> shift) & 0xff)) > THRESHOLD) return true;
        }
        return false;
    }

    /** The most common border colour of a frame: the background the mask is measured against. */
    public static int background(BufferedImage f) {
        Map<Integer, Integer> counts = new HashMap<>();
        int w = f.getWidth(), h = f.getHeight();
        for (int x = 0; x < w; x++) {
            counts.merge(f.getRGB(x, 0) & 0xFFFFFF, 1, Integer::sum);
            counts.merge(f.getRGB(x, h - 1) & 0xFFFFFF, 1, Integer::sum);
        }
        for (int y = 1; y < h - 1; y++) {
            counts.merge(f.getRGB(0, y) & 0xFFFFFF, 1, Integer::sum);
            counts.merge(f.getRGB(w - 1, y) & 0xFFFFFF, 1, Integer::sum);
        }
        // Ties broken by colour value so the answer does not depend on HashMap order.
        return counts.entrySet().stream().max(Map.Entry.<Integer, Integer>comparingByValue().thenComparing(Map.Entry.comparingByKey()))
                .orElseThrow().getKey();
    }

    /** Least-squares slope of v against frame index over the frames where v is defined; NaN if fewer than 2. */
    private static double slope(double[] v) {
        double st = 0, sv = 0, stt = 0, stv = 0;
        int n = 0;
        for (int t = 0; t < v.length; t++) {
            if (Double.isNaN(v[t])) continue;
            st += t;
            sv += v[t];
            stt += (double) t * t;
            stv += t * v[t];
            n++;
        }
        if (n < 2) return Double.NaN;
        return (n * stv - st * sv) / (n * stt - st * st);
    }

    private static double consistency(double[] cx, double[] cy, Direction d) {
        int steps = 0, agree = 0;
        for (int t = 1; t < cx.length; t++) {
            if (Double.isNaN(cx[t]) || Double.isNaN(cx[t - 1])) continue;
            steps++;
            double along = (cx[t] - cx[t - 1]) * d.dx + (cy[t] - cy[t - 1]) * d.dy;
            if (d == Direction.STILL ? Math.hypot(cx[t] - cx[t - 1], cy[t] - cy[t - 1]) < MIN_SPEED : along > 0) agree++;
        }
        return steps == 0 ? 0 : agree / (double) steps;
    }
}
