package ai.emu4j.core.tensor;

import ai.emu4j.core.util.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TensorTest {
    @Test
    void viewsShareStorageAndIndexCorrectly() {
        Tensor x = Tensor.of(new float[] {0, 1, 2, 3, 4, 5}, 2, 3);
        Tensor t = x.transpose(0, 1);
        assertArrayEquals(new int[] {3, 2}, t.shape());
        assertSame(x.storage(), t.storage());
        assertEquals(4f, t.get(1, 1));
        assertArrayEquals(new float[] {0, 3, 1, 4, 2, 5}, t.toFloatArray());
        Tensor s = x.slice(1, 0, 3, 2);
        assertArrayEquals(new float[] {0, 2, 3, 5}, s.toFloatArray());
        Tensor e = Tensor.of(new float[] {7, 8}, 2, 1).expand(2, 3);
        assertArrayEquals(new float[] {7, 7, 7, 8, 8, 8}, e.toFloatArray());
        assertArrayEquals(new float[] {3, 4, 5}, x.select(0, 1).toFloatArray());
        assertArrayEquals(new int[] {2, 1, 3}, x.unsqueeze(1).shape());
        assertArrayEquals(new int[] {6}, x.flatten(0, 1).shape());
        assertArrayEquals(new float[] {0, 3, 1, 4, 2, 5}, t.reshape(6).toFloatArray());
    }

    @Test
    void reshapeRejectsWrongSizes() {
        Tensor x = Tensor.zeros(2, 3);
        assertThrows(IllegalArgumentException.class, () -> x.reshape(4, 2));
        assertArrayEquals(new int[] {3, 2}, x.reshape(-1, 2).shape());
        assertThrows(IllegalArgumentException.class, () -> x.reshape(-1, -1));
    }

    @Test
    void dtypeConversionsRoundLikePyTorch() {
        Tensor x = Tensor.of(new float[] {1.0f, -2.5f, 3.14159f, 65504f, 1e-8f}, 5);
        // Expected values printed by torch 1.13: x.bfloat16().float(), x.half().float(), x.int().
        assertArrayEquals(new float[] {1.0f, -2.5f, 3.140625f, 65536f, 1.0011718e-8f}, x.to(DType.BF16).toFloatArray());
        assertEquals(65504f, x.to(DType.F16).toFloatArray()[3]);
        assertArrayEquals(new int[] {1, -2, 3, 65504, 0}, x.to(DType.I32).toIntArray());
        Tensor ids = Tensor.ofInts(new int[] {5, -1, 7}, 3);
        assertArrayEquals(new int[] {5, -1, 7}, ids.to(DType.I64).toIntArray());
        assertArrayEquals(new float[] {5, -1, 7}, ids.toFloatArray());
    }

    @Test
    void bytesRoundTripThroughSegments() {
        Tensor x = Tensor.randn(new Rng(3), 3, 4);
        for (DType d : new DType[] {DType.F32, DType.F16, DType.BF16}) {
            Tensor c = x.to(d);
            Tensor back = Tensor.fromSegment(MemorySegment.ofArray(c.toBytes()), d, 3, 4);
            assertArrayEquals(c.toFloatArray(), back.toFloatArray());
        }
        assertThrows(IllegalArgumentException.class, () -> Tensor.fromSegment(MemorySegment.ofArray(new byte[10]), DType.F32, 3));
    }

    @Test
    void mappedTensorPastTwoGibibytes(@TempDir Path dir) throws IOException {
        // A sparse file: 2.5 GiB of address space costs no disk, but offsets past 2^31 must work.
        Path f = dir.resolve("big.bin");
        long at = (5L << 29);
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, StandardOpenOption.READ)) {
            var buf = java.nio.ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
            buf.putFloat(1.5f).putFloat(-2f).putFloat(3f).putFloat(4.25f).flip();
            ch.write(buf, at);
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment all = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
                assertTrue(all.byteSize() > Integer.MAX_VALUE);
                Tensor t = Tensor.fromSegment(all.asSlice(at, 16), DType.F32, 2, 2);
                assertArrayEquals(new float[] {1.5f, -2f, 3f, 4.25f}, t.toFloatArray());
                assertEquals(4.25f, t.transpose(0, 1).get(1, 1));
                assertEquals(0f, all.get(ValueLayout.JAVA_FLOAT_UNALIGNED, 0));
            }
        }
    }
}
