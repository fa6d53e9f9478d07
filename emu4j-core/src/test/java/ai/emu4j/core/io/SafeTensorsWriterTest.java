package ai.emu4j.core.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.emu4j.core.tensor.DType;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeTensorsWriterTest {
    @TempDir
    Path dir;

    /** Rebuilding the PyTorch fixture from its listing must give the very same bytes. */
    @Test
    void writesTheReferenceLayoutByteForByte() throws IOException {
        JsonNode want = StFiles.expected("basic");
        SafeTensorsWriter w = new SafeTensorsWriter();
        want.get("metadata").properties().forEach(kv -> w.metadata(kv.getKey(), kv.getValue().asText()));
        for (JsonNode t : want.get("tensors")) {
            DType dt = DType.valueOf(t.get("dtype").asText());
            long[] shape = new long[t.get("shape").size()];
            for (int d = 0; d < shape.length; d++) shape[d] = t.get("shape").get(d).asLong();
            JsonNode vals = t.has("source_values") ? t.get("source_values") : t.get("values");
            String name = t.get("name").asText();
            if (dt.isFloatingPoint()) {
                float[] f = new float[vals.size()];
                for (int i = 0; i < f.length; i++) f[i] = (float) vals.get(i).asDouble();
                w.addFloats(name, dt, shape, f);
            } else {
                ByteBuffer b = ByteBuffer.allocate(vals.size() * dt.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
                for (JsonNode v : vals) {
                    switch (dt) {
                        case I8, U8 -> b.put((byte) v.asInt());
                        case BOOL -> b.put((byte) (v.asBoolean() ? 1 : 0));
                        case I32 -> b.putInt(v.asInt());
                        case I64 -> b.putLong(v.asLong());
                        default -> throw new AssertionError(dt);
                    }
                }
                w.add(name, dt, shape, b.array());
            }
        }
        Path out = dir.resolve("rebuilt.safetensors");
        w.write(out);
        assertArrayEquals(Files.readAllBytes(StFiles.fixture("basic.safetensors")), Files.readAllBytes(out));
    }

    @Test
    void roundTripsEveryDtype() throws IOException {
        Random rnd = new Random(7);
        SafeTensorsWriter w = new SafeTensorsWriter().metadata("format", "pt");
        long[][] shapes = {{3, 5}, {}, {0, 2}, {7}, {2, 1, 3}};
        for (DType dt : DType.values()) {
            for (int s = 0; s < shapes.length; s++) {
                long n = 1;
                for (long d : shapes[s]) n *= d;
                byte[] bytes = new byte[(int) dt.byteSizeFor(n)];
                rnd.nextBytes(bytes);
                w.add(dt.name().toLowerCase() + "." + s, dt, shapes[s], bytes);
            }
        }
        Path out = dir.resolve("all.safetensors");
        w.write(out);
        try (SafeTensorsFile f = SafeTensors.open(out)) {
            assertEquals(DType.values().length * shapes.length, f.entries().size());
            assertEquals(0, f.header().dataStart() % 8, "header padded to a multiple of 8");
            assertEquals("pt", f.metadata().get("format"));
            List<TensorEntry> e = f.entries();
            for (int i = 1; i < e.size(); i++) {
                StDType a = StDType.parse(e.get(i - 1).dtypeName()), b = StDType.parse(e.get(i).dtypeName());
                boolean ordered = a.compareTo(b) > 0 || (a == b && e.get(i - 1).name().compareTo(e.get(i).name()) < 0);
                assertEquals(true, ordered, "descending dtype then name: " + e.get(i - 1) + " before " + e.get(i));
            }
        }
        Random again = new Random(7);
        try (SafeTensorsFile f = SafeTensors.open(out)) {
            for (DType dt : DType.values()) {
                for (int s = 0; s < shapes.length; s++) {
                    MemorySegment data = f.data(dt.name().toLowerCase() + "." + s);
                    byte[] bytes = new byte[(int) data.byteSize()];
                    again.nextBytes(bytes);
                    assertArrayEquals(bytes, data.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
                }
            }
        }
    }

    @Test
    void floatsConvertLikePyTorch() throws IOException {
        float[] v = {1f, 0.1f, 65520f, -3.3e-8f, Float.POSITIVE_INFINITY};
        Path out = dir.resolve("f.safetensors");
        new SafeTensorsWriter().addFloats("h", DType.F16, new long[] {5}, v).addFloats("b", DType.BF16, new long[] {5}, v)
                .addFloats("f", DType.F32, new long[] {5}, v).write(out);
        try (SafeTensorsFile f = SafeTensors.open(out)) {
            for (int i = 0; i < v.length; i++) {
                assertEquals(v[i], StFiles.element(f.data("f"), "F32", i));
                assertEquals(Float.float16ToFloat(Float.floatToFloat16(v[i])), StFiles.element(f.data("h"), "F16", i));
            }
            assertEquals(Float.POSITIVE_INFINITY, StFiles.element(f.data("h"), "F16", 2), "65520 rounds up to inf in F16");
            assertEquals(0.10009765625, StFiles.element(f.data("b"), "BF16", 1));
        }
    }

    @Test
    void replacesAtomicallyAndLeavesNoTempFiles() throws IOException {
        Path out = dir.resolve("m.safetensors");
        Files.writeString(out, "old");
        new SafeTensorsWriter().add("x", DType.U8, new long[] {2}, new byte[] {1, 2}).write(out);
        try (SafeTensorsFile f = SafeTensors.open(out)) {
            assertEquals(2, f.data("x").byteSize());
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(out), files.toList());
        }
        Path missingDir = dir.resolve("no/such/dir/m.safetensors");
        assertThrows(IOException.class, () -> new SafeTensorsWriter().write(missingDir));
    }

    @Test
    void rejectsBadInput() {
        SafeTensorsWriter w = new SafeTensorsWriter().add("x", DType.U8, new long[] {1}, new byte[1]);
        assertThrows(IllegalArgumentException.class, () -> w.add("x", DType.U8, new long[] {1}, new byte[1]));
        assertThrows(IllegalArgumentException.class, () -> w.add("__metadata__", DType.U8, new long[] {1}, new byte[1]));
        assertThrows(IllegalArgumentException.class, () -> w.add("y", DType.F32, new long[] {2}, new byte[4]));
        assertThrows(IllegalArgumentException.class, () -> w.add("y", DType.U8, new long[] {-1}, new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> w.addFloats("y", DType.I32, new long[] {1}, new float[1]));
    }
}
