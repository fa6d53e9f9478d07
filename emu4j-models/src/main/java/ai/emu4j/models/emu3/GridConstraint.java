package ai.emu4j.models.emu3;

/**
 * Emu3's prefix-constrained decoding for one image of h x w codes: at each generated offset either
 * exactly one structure token is forced (eol at row ends, then eof, eoi, eos, then pad) or any visual
 * code is allowed. Offset 1 is the first generated token after the img token.
 */
public record GridConstraint(VisionTokens tokens, int height, int width) {
    public GridConstraint {
        if (height <= 0 || width <= 0) throw new IllegalArgumentException("grid must be positive, got " + height + "x" + width);
    }

    /** Generated tokens the grid needs: h rows of (w codes + eol), then eof, eoi, eos. */
    public int length() {
        return Math.toIntExact((long) height * (width + 1) + 3);
    }

    /** The forced token at this offset, or -1 when any visual code may be chosen. */
    public int forced(int offset) {
        int row = width + 1;
        long end = (long) row * height;
        if (offset % row == 0 && offset <= end) return tokens.eol();
        if (offset == end + 1) return tokens.eof();
        if (offset == end + 2) return tokens.eoi();
        if (offset == end + 3) return tokens.eos();
        if (offset > end + 3) return tokens.pad();
        return -1;
    }
}
