package ai.emu4j.api;

/** Receives an answer piece by piece as it is generated; pieces end on whole characters. */
@FunctionalInterface
public interface TokenListener {
    void text(String piece);

    TokenListener NONE = piece -> {};
}
