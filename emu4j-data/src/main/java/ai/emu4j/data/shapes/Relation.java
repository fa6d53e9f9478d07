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

    /**
     * Whether a (centroid ax, ay) stands in this relation to b, GenEval-style: along this relation's axis
     * only, by more than margin pixels. Lenient on purpose: "a to the left of b" is true of a diagonal pair.
     */
    public boolean holds(double ax, double ay, double bx, double by, double margin) {
        return switch (this) {
            case LEFT_OF -> ax < bx - margin;
            case RIGHT_OF -> ax > bx + margin;
            case ABOVE -> ay < by - margin;
            case BELOW -> ay > by + margin;
        };
    }

    /** The dominant axis decides; a tie (diagonal anchors) counts as horizontal. */
    public static Relation of(double ax, double ay, double bx, double by) {
        double dx = ax - bx, dy = ay - by;
        if (Math.abs(dx) >= Math.abs(dy)) return dx < 0 ? LEFT_OF : RIGHT_OF;
        return dy < 0 ? ABOVE : BELOW;
    }
}
