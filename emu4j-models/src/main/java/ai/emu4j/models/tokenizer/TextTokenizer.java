package ai.emu4j.models.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Text to token ids and back. Implementations are immutable after loading and safe to share between
 * threads.
 *
 * <p>{@link #encode} treats every special token as allowed ("allowed_special='all'" in tiktoken terms,
 * added tokens in Hugging Face terms): a literal special string in the text becomes its single id. Text
 * from untrusted users that must not be able to inject control tokens has to be escaped by the caller.
 */
public interface TextTokenizer {
    int[] encode(String text);

    /** The bytes the ids stand for; a prefix of a multi-byte character is not an error here. */
    byte[] decodeBytes(int[] ids);

    /** UTF-8 of {@link #decodeBytes}, with U+FFFD for incomplete or invalid sequences (as HF and tiktoken do). */
    default String decode(int[] ids) {
        return new String(decodeBytes(ids), StandardCharsets.UTF_8);
    }

    /** One more than the largest id, special tokens included. */
    int vocabSize();

    /** The id of a token given by its string form: a special token's text or a vocabulary entry. */
    OptionalInt tokenId(String token);

    /** Special tokens (text to id), in id order. */
    Map<String, Integer> specialTokens();

    default int requireTokenId(String token) {
        return tokenId(token).orElseThrow(() -> new TokenizerException("no token " + token + " in this vocabulary"));
    }
}
