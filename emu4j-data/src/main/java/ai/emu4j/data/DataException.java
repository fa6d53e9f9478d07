package ai.emu4j.data;

/** A failure written for users (missing npm, bad tarball, unreadable image): the CLI prints the message as one line. */
public final class DataException extends RuntimeException {
    public DataException(String message) {
        super(message);
    }

    public DataException(String message, Throwable cause) {
        super(message, cause);
    }
}
