package ai.emu4j.models.vq;

import java.io.IOException;
import java.util.List;

/** A checkpoint that does not fit the config: every missing, extra and mis-shaped tensor, one per line. */
public final class VQLoadException extends IOException {
    private final List<String> problems;

    public VQLoadException(String source, List<String> problems) {
        super(source + ": " + problems.size() + " tensor problem(s):\n  " + String.join("\n  ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
