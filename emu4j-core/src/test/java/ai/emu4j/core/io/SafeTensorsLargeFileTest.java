package ai.emu4j.core.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.RandomAccessFile;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Past 2 GiB, where MappedByteBuffer stops: a sparse file, so it costs no disk and one page of reads. */
class SafeTensorsLargeFileTest {
    @TempDir
    Path dir;

    @Test
    void mapsTensorsBeyondTwoGiB() throws Exception {
        long big = (1L << 31) + 24;
        String header = "{\"small\":{\"dtype\":\"U8\",\"shape\":[8],\"data_offsets\":[0,8]},"
                + "\"big\":{\"dtype\":\"F32\",\"shape\":[" + big / 4 + "],\"data_offsets\":[8," + (8 + big) + "]}}";
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        Path file = dir.resolve("big.safetensors");
        long size = 8 + h.length + 8 + big;
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.write(StFiles.withLength(h.length, h));
            raf.setLength(size);
            raf.seek(size - 4);
            raf.write(new byte[] {0, 0, (byte) 0x80, 0x3f});
        }
        try (SafeTensorsFile f = SafeTensors.open(file)) {
            MemorySegment data = f.data("big");
            assertEquals(big, data.byteSize());
            assertEquals(1.0f, data.get(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN), big - 4));
            assertEquals(big / 4 + 8, f.parameterCount());
        }
    }
}
