package ai.emu4j.core.io;

import java.io.IOException;

/**
 * A safetensors file, shard folder or index that breaks the format. The message is one line that
 * names the file, the tensor when there is one, and what is wrong, so a CLI can print it as is.
 */
public final class SafeTensorsException extends IOException {
    public SafeTensorsException(String message) {
        super(message);
    }

    public SafeTensorsException(String message, Throwable cause) {
        super(message, cause);
    }
}
