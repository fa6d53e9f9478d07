package ai.emu4j.eval;

import ai.emu4j.data.judge.MotionTracker;
import java.awt.image.BufferedImage;
import java.util.List;

/**
 * Whether generated frames still show the object of the given ones. Background: the most common border
 * colour of the last given frame; object: the pixels {@link MotionTracker#differs} from it (the tracker's
 * own mask). Reference: the object's mean area and mean colour over the given frames. A generated frame
 * keeps the object when its mask has {@value #MIN_AREA}x to {@value #MAX_AREA}x the reference area (not
 * vanished, not smeared over the frame) and a mean colour within {@link MotionTracker#THRESHOLD} of the
 * reference on every channel (the same object, not another colour).
 */
final class ObjectKept {
    static final double MIN_AREA = 0.5, MAX_AREA = 2;

    private ObjectKept() {}

    static boolean test(List<BufferedImage> given, List<BufferedImage> generated) {
        int bg = MotionTracker.background(given.getLast());
        double[] ref = new double[4];
        for (BufferedImage f : given) {
            double[] m = measure(f, bg);
            for (int c = 0; c < 4; c++) ref[c] += m[c] / given.size();
        }
        if (ref[3] == 0) return false;
        for (BufferedImage f : generated) {
            double[] m = measure(f, bg);
            if (m[3] < MIN_AREA * ref[3] || m[3] > MAX_AREA * ref[3]) return false;
            for (int c = 0; c < 3; c++) if (Math.abs(m[c] - ref[c]) > MotionTracker.THRESHOLD) return false;
        }
        return true;
    }

    /** Mean R, G, B of the object's pixels and their count. */
    private static double[] measure(BufferedImage f, int bg) {
        long r = 0, g = 0, b = 0, n = 0;
        for (int y = 0; y < f.getHeight(); y++) {
            for (int x = 0; x < f.getWidth(); x++) {
                int c = f.getRGB(x, y);
                if (!MotionTracker.differs(c, bg)) continue;
                r += (c >> 16) & 0xff;
                g += (c >> 8) & 0xff;
                b += c & 0xff;
                n++;
            }
        }
        return n == 0 ? new double[4] : new double[] {r / (double) n, g / (double) n, b / (double) n, n};
    }
}
