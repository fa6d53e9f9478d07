package ai.emu4j.data.judge;

import ai.emu4j.data.sprites.Direction;

/**
 * Result of {@link MotionTracker}: per-frame centroids (NaN where a frame has no object), the fitted
 * velocity in pixels per frame, the direction it implies, and the fraction of frame-to-frame steps that
 * agree with that direction (1.0 for a clean clip).
 */
public record Track(double[] cx, double[] cy, double vx, double vy, Direction direction, double consistency) {}
