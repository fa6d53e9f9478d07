package ai.emu4j.models.tokenizer;

/**
 * An entry of tokenizer.json's {@code added_tokens}. {@code lstrip}/{@code rstrip} make a match swallow
 * the whitespace before/after it; {@code singleWord} only matches when no word character touches it.
 */
public record AddedToken(int id, String content, boolean special, boolean singleWord, boolean lstrip, boolean rstrip) {
    public AddedToken {
        if (content == null || content.isEmpty()) throw new TokenizerException("added token " + id + " has no content");
        if (id < 0) throw new TokenizerException("added token " + content + " has negative id " + id);
    }

    public static AddedToken special(int id, String content) {
        return new AddedToken(id, content, true, false, false, false);
    }
}
