package ai.emu4j.train;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A training log as CSV, one row per step ({@code step,...}), flushed after every row so that a killed
 * run keeps what it measured. Opening it for a run that starts (or resumes) at step s keeps the header
 * and the rows of steps 1..s and drops the rest, rewriting the file through a temporary copy; a file
 * with another header is moved aside to {@code NAME.old} rather than mixed with the new columns.
 */
public final class StepLog implements AutoCloseable {
    private final BufferedWriter out;

    private StepLog(BufferedWriter out) {
        this.out = out;
    }

    public static StepLog open(Path file, String header, long startStep) throws IOException {
        List<String> keep = new ArrayList<>();
        keep.add(header);
        if (Files.isRegularFile(file)) {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            if (!lines.isEmpty() && lines.getFirst().equals(header)) {
                for (String line : lines.subList(1, lines.size())) {
                    int comma = line.indexOf(',');
                    long step;
                    try {
                        step = Long.parseLong(comma < 0 ? line : line.substring(0, comma));
                    } catch (NumberFormatException e) {
                        continue;  // a row cut short by a kill
                    }
                    if (step <= startStep) keep.add(line);
                }
            } else if (!lines.isEmpty()) {
                Files.move(file, file.resolveSibling(file.getFileName() + ".old"), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, keep, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return new StepLog(Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND));
    }

    /** Appends "step,values" and flushes. */
    public void append(long step, String values) throws IOException {
        out.write(step + "," + values);
        out.newLine();
        out.flush();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
