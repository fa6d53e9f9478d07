package ai.emu4j.core.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.emu4j.core.tensor.DType;
import ai.emu4j.core.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeTensorsCastTest {
    @Test
    void floatsRoundToBf16InPlaceIntsAndMetadataUntouched(@TempDir Path dir) throws IOException {
        float[] w = {1f, -2.5f, 3.14159f, 1e-20f, 65504f, 1.00390625f};   // last: a bf16 tie, rounds to even (1.0)
        Path f = dir.resolve("m.safetensors");
        new SafeTensorsWriter().addFloats("w", DType.F32, new long[] {2, 3}, w)
                .add("ids", DType.I32, new long[] {2}, new byte[] {1, 0, 0, 0, 2, 0, 0, 0})
                .metadata("format", "pt").write(f);

        assertEquals(1, SafeTensorsCast.cast(f, f, DType.BF16));
        try (SafeTensorsFile g = SafeTensors.open(f)) {
            assertEquals(Map.of("format", "pt"), g.metadata());
            assertEquals(DType.BF16, g.entry("w").dtype());
            assertArrayEquals(new long[] {2, 3}, g.entry("w").shape());
            float[] back = Tensor.fromSegment(g.data("w"), DType.BF16, 2, 3).toFloatArray();
            assertArrayEquals(new float[] {1f, -2.5f, 3.140625f, 1.0005577e-20f, 65536f, 1f}, back);   // torch 1.13: x.bfloat16().float()
            assertArrayEquals(new byte[] {1, 0, 0, 0, 2, 0, 0, 0}, g.data("ids").toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
        }
        assertEquals(0, SafeTensorsCast.cast(f, dir.resolve("again.safetensors"), DType.BF16), "already bf16");
        assertThrows(IllegalArgumentException.class, () -> SafeTensorsCast.cast(f, f, DType.I8));
    }
}
