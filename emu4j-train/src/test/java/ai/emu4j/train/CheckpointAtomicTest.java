package ai.emu4j.train;

import ai.emu4j.core.io.SafeTensorsWriter;
import ai.emu4j.core.tensor.DType;
import ai.emu4j.core.tensor.Tensor;
import ai.emu4j.models.nn.Activation;
import ai.emu4j.models.nn.MLP;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A save that fails part-way leaves the previous checkpoint byte-identical and loadable, and no temporary file behind. */
class CheckpointAtomicTest {
    private static MLP model(long seed) {
        return new MLP(new int[] {4, 8, 2}, Activation::relu, 0f, Seeds.of(seed).init(), null);
    }

    private static void save(Path file, MLP m, long step) throws IOException {
        AdamW opt = new AdamW(m.parameters(), AdamW.Config.defaults(1e-3));
        m.parameters().values().forEach(p -> p.setGrad(Tensor.ones(p.shape())));
        opt.step();
        Checkpoint.save(file, m, opt, step, Seeds.of(0).byName(), null, Map.of());
    }

    private static List<Path> listing(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }

    @Test
    void interruptedWriteKeepsThePreviousCheckpoint(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("ckpt.safetensors");
        MLP first = model(1);
        save(file, first, 1);
        byte[] before = Files.readAllBytes(file);

        // An interrupt makes the writer's channel fail after the temporary file exists (when it maps
        // it), which is what a crash or full disk mid-write looks like to the code.
        Thread.currentThread().interrupt();
        try {
            assertThrows(ClosedByInterruptException.class, () -> save(file, model(2), 2));
        } finally {
            Thread.interrupted();
        }
        assertArrayEquals(before, Files.readAllBytes(file));
        assertEquals(List.of(file), listing(dir), "no temporary file may remain");
        MLP restored = model(3);
        Checkpoint.load(file, restored, new AdamW(restored.parameters(), AdamW.Config.defaults(1e-3)), Seeds.of(9).byName());
        assertArrayEquals(first.parameters().get("net.0.weight").dataF32(), restored.parameters().get("net.0.weight").dataF32());
    }

    @Test
    void unreplaceableTargetLeavesEverythingAsItWas(@TempDir Path dir) throws IOException {
        Path target = dir.resolve("ckpt.safetensors");
        Files.createDirectory(target);
        Path keep = Files.writeString(target.resolve("keep.txt"), "previous");
        Path other = dir.resolve("other.safetensors");
        save(other, model(1), 1);
        byte[] otherBytes = Files.readAllBytes(other);

        assertThrows(IOException.class, () -> save(target, model(2), 2));
        assertEquals("previous", Files.readString(keep));
        assertArrayEquals(otherBytes, Files.readAllBytes(other));
        assertEquals(List.of(target, other), listing(dir), "no temporary file may remain");
    }

    @Test
    void aFileThatIsNotACheckpointIsRejectedClearly(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("weights.safetensors");
        new SafeTensorsWriter().addFloats("w", DType.F32, new long[] {1}, new float[] {1}).write(file);
        MLP m = model(1);
        var e = assertThrows(IOException.class, () -> Checkpoint.load(file, m, new AdamW(m.parameters(), AdamW.Config.defaults(1e-3)), Seeds.of(1).byName()));
        assertTrue(e.getMessage().contains("not an emu4j checkpoint"), e.getMessage());
    }
}
