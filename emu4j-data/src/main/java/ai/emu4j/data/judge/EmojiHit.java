package ai.emu4j.data.judge;

/** One retrieval result: the dataset entry id, its emoji (unified code) and style, and the feature distance. */
public record EmojiHit(String id, String unified, String style, double distance) {}
