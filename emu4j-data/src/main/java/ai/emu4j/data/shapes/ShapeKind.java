package ai.emu4j.data.shapes;

import java.util.Locale;

/** Shape classes; the judge tells them apart by fill ratio of the bounding box (1.0, pi/4, 1/2). */
public enum ShapeKind {
    CIRCLE, SQUARE, TRIANGLE;

    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }
}
