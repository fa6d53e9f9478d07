package ai.emu4j.data.shapes;

/** One drawn object; position may be null in a caption that does not state it. */
public record SceneObject(ShapeColor color, ShapeKind shape, ShapeSize size, Position position) {
    /** "small red circle", or "red circle" when the size is not stated; ShapeCaptions adds articles and plurals. */
    public String phrase() {
        return (size == null ? "" : size.word() + " ") + color.word() + " " + shape.word();
    }
}
