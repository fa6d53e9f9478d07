package ai.emu4j.data.shapes;

import java.util.Locale;

/** Side of the bounding box in pixels of a 64x64 scene. */
public enum ShapeSize {
    SMALL(10), LARGE(18);

    public final int side;

    ShapeSize(int side) {
        this.side = side;
    }

    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Threshold halfway between the two sides, on the larger bounding-box extent. */
    public static ShapeSize of(int extent) {
        return extent >= (SMALL.side + LARGE.side) / 2 ? LARGE : SMALL;
    }
}
