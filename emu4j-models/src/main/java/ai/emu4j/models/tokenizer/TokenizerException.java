package ai.emu4j.models.tokenizer;

/** A tokenizer file that cannot be read or used; the message names the file and the problem. */
public class TokenizerException extends RuntimeException {
    public TokenizerException(String message) {
        super(message);
    }

    public TokenizerException(String message, Throwable cause) {
        super(message, cause);
    }
}
