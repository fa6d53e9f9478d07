package ai.emu4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StepLogTest {
    @Test
    void resumeDropsRowsPastTheCheckpointAndTornLines(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("log.csv");
        try (StepLog log = StepLog.open(f, "step,loss", 0)) {
            for (int s = 1; s <= 5; s++) log.append(s, Double.toString(1.0 / s));
        }
        Files.writeString(f, Files.readString(f) + "6,0.1", java.nio.file.StandardOpenOption.TRUNCATE_EXISTING);
        Files.writeString(f, "x\n", java.nio.file.StandardOpenOption.APPEND);
        try (StepLog log = StepLog.open(f, "step,loss", 3)) {
            log.append(4, "9.0");
        }
        assertEquals(List.of("step,loss", "1,1.0", "2,0.5", "3,0.3333333333333333", "4,9.0"), Files.readAllLines(f));
    }

    @Test
    void anotherHeaderIsMovedAsideNotMixed(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("log.csv");
        Files.writeString(f, "step,old\n1,2\n");
        try (StepLog log = StepLog.open(f, "step,new", 0)) {
            log.append(1, "7");
        }
        assertEquals(List.of("step,new", "1,7"), Files.readAllLines(f));
        assertTrue(Files.readString(dir.resolve("log.csv.old")).startsWith("step,old"));
    }
}
