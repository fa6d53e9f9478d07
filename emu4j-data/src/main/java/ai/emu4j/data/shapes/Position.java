package ai.emu4j.data.shapes;

import java.util.Locale;

/**
 * Anchor points of a 64x64 scene. They are 21 px apart, so even two large (18 px) objects at neighbouring
 * anchors leave a gap of at least 2 px: blobs never touch, and the nearest anchor of a centroid is unambiguous.
 */
public enum Position {
    CENTER(32, 32, "in the center"), LEFT(11, 32, "on the left"), RIGHT(53, 32, "on the right"),
    TOP(32, 11, "at the top"), BOTTOM(32, 53, "at the bottom");

    public final int x, y;
    public final String phrase;

    Position(int x, int y, String phrase) {
        this.x = x;
        this.y = y;
        this.phrase = phrase;
    }

    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Nearest anchor, with the image scaled to 64x64. */
    public static Position nearest(double cx, double cy, int width, int height) {
        double sx = cx * 64 / width, sy = cy * 64 / height;
        Position best = CENTER;
        double bestD = Double.MAX_VALUE;
        for (Position p : values()) {
            double d = (p.x - sx) * (p.x - sx) + (p.y - sy) * (p.y - sy);
            if (d < bestD) {
                bestD = d;
                best = p;
            }
        }
        return best;
    }
}
