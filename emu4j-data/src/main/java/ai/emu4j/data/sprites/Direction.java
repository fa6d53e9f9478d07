package ai.emu4j.data.sprites;

import java.util.Locale;

/** Motion direction in image coordinates (y grows downwards); STILL is only ever a judge's answer. */
public enum Direction {
    LEFT(-1, 0), RIGHT(1, 0), UP(0, -1), DOWN(0, 1), STILL(0, 0);

    public final int dx, dy;

    Direction(int dx, int dy) {
        this.dx = dx;
        this.dy = dy;
    }

    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Direction parse(String s) {
        return valueOf(s.strip().toUpperCase(Locale.ROOT));
    }

    /** The direction word a sprites caption ends with ("a red apple moving left"), or null. */
    public static Direction ofCaption(String caption) {
        var m = java.util.regex.Pattern.compile("moving (left|right|up|down)\\b").matcher(caption.toLowerCase(Locale.ROOT));
        return m.find() ? parse(m.group(1)) : null;
    }
}
