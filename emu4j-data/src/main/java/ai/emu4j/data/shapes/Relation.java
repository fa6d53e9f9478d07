package ai.emu4j.data.shapes;

import java.util.Locale;

/** Spatial relation of the first object of a pair to the second, from the centroid offset. */
public enum Relation {
    LEFT_OF("to the left of"), RIGHT_OF("to the right of"), ABOVE("above"), BELOW("below");

    public final String phrase;

    Relation(String phrase) {
        this.phrase = phrase;
    }

    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The dominant axis decides; a tie (diagonal anchors) counts as horizontal. */
    public static Relation of(double ax, double ay, double bx, double by) {
        double dx = ax - bx, dy = ay - by;
        if (Math.abs(dx) >= Math.abs(dy)) return dx < 0 ? LEFT_OF : RIGHT_OF;
        return dy < 0 ? ABOVE : BELOW;
    }
}
