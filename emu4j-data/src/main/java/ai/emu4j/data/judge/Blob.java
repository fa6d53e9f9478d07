package ai.emu4j.data.judge;

import ai.emu4j.data.shapes.Position;
import ai.emu4j.data.shapes.ShapeColor;
import ai.emu4j.data.shapes.ShapeKind;
import ai.emu4j.data.shapes.ShapeSize;

/** One object found by {@link SceneParser}: the classified attributes plus the measurements behind them. */
public record Blob(ShapeColor color, ShapeKind shape, ShapeSize size, Position position,
                   double cx, double cy, int area, int width, int height, double fill) {}
