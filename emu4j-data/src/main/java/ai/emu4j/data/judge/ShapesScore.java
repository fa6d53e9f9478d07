package ai.emu4j.data.judge;

import java.util.List;

/**
 * GenEval-style result for one image and one caption. Each attribute score is the fraction of captioned
 * objects whose matched blob has it right, or null where the caption does not state it (no size words, no
 * positions); {@code correct} needs the right count and every stated attribute right.
 */
public record ShapesScore(boolean count, Double color, Double shape, Double size, Double position, boolean correct, List<Blob> detected) {}
