package ai.emu4j.data.shapes;

import java.util.Locale;

/**
 * The palette. Saturated and pairwise far apart in RGB so a nearest-colour rule separates them even after
 * noise; the judge decides colour from a blob's eroded core, where edge mixing with the background is gone.
 */
public enum ShapeColor {
    RED(0xDC1E1E), ORANGE(0xF58214), YELLOW(0xF0C814), GREEN(0x1EA032), BLUE(0x1E46DC), PURPLE(0x8C28B4);

    public final int rgb;

    ShapeColor(int rgb) {
        this.rgb = rgb;
    }

    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Squared RGB distance between two packed colours. */
    public static int distance2(int a, int b) {
        int dr = ((a >> 16) & 0xff) - ((b >> 16) & 0xff);
        int dg = ((a >> 8) & 0xff) - ((b >> 8) & 0xff);
        int db = (a & 0xff) - (b & 0xff);
        return dr * dr + dg * dg + db * db;
    }

    public static ShapeColor nearest(int rgb) {
        ShapeColor best = RED;
        for (ShapeColor c : values()) if (distance2(rgb, c.rgb) < distance2(rgb, best.rgb)) best = c;
        return best;
    }
}
