package ai.emu4j.core.io;

import ai.emu4j.core.tensor.DType;
import ai.emu4j.core.tensor.Half;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Collects tensors and writes them in the reference writer's exact layout: compact JSON header
 * (metadata first), padded with spaces to a multiple of 8, tensors ordered by descending dtype then
 * name, little-endian data. The file appears atomically: readers see the old file or the new one,
 * never a partial write. Data are referenced, not copied, until {@link #write}; the one copy happens
 * straight into a mapping of the output, so multi-GiB tensors never pass through the heap.
 */
public final class SafeTensorsWriter {
    private static final ValueLayout.OfFloat F32_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort I16_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private record Pending(String name, DType dtype, long[] shape, MemorySegment data) {}

    private final Map<String, Pending> tensors = new LinkedHashMap<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();

    /** {@code data} holds the little-endian bytes and must stay alive (and unchanged) until write. */
    public SafeTensorsWriter add(String name, DType dtype, long[] shape, MemorySegment data) {
        if (name.equals(HeaderParser.METADATA_KEY)) throw new IllegalArgumentException("tensor name __metadata__ is reserved");
        if (tensors.containsKey(name)) throw new IllegalArgumentException("duplicate tensor name " + Json.quote(name));
        long numel = 1;
        for (long d : shape) {
            if (d < 0) throw new IllegalArgumentException(Json.quote(name) + ": negative dim in shape " + Arrays.toString(shape));
            numel = Math.multiplyExact(numel, d);
        }
        long bytes = dtype.byteSizeFor(numel);
        if (bytes != data.byteSize()) {
            throw new IllegalArgumentException(Json.quote(name) + ": " + dtype + " " + Arrays.toString(shape) + " needs "
                    + bytes + " bytes, got " + data.byteSize());
        }
        tensors.put(name, new Pending(name, dtype, shape.clone(), data));
        return this;
    }

    /** Wraps {@code data} without copying: do not modify it before {@link #write}. */
    public SafeTensorsWriter add(String name, DType dtype, long[] shape, byte[] data) {
        return add(name, dtype, shape, MemorySegment.ofArray(data));
    }

    /** Stores {@code values} as F32, or rounded to F16/BF16 (nearest-even, like PyTorch's cast). */
    public SafeTensorsWriter addFloats(String name, DType dtype, long[] shape, float[] values) {
        MemorySegment out = MemorySegment.ofArray(new byte[Math.multiplyExact(values.length, dtype.byteSize())]);
        for (int i = 0; i < values.length; i++) {
            switch (dtype) {
                case F32 -> out.setAtIndex(F32_LE, i, values[i]);
                case F16 -> out.setAtIndex(I16_LE, i, Half.f32ToF16(values[i]));
                case BF16 -> out.setAtIndex(I16_LE, i, Half.f32ToBf16(values[i]));
                default -> throw new IllegalArgumentException("addFloats stores F32, F16 or BF16, not " + dtype);
            }
        }
        return add(name, dtype, shape, out);
    }

    public SafeTensorsWriter metadata(String key, String value) {
        metadata.put(key, value);
        return this;
    }

    public void write(Path file) throws IOException {
        List<Pending> order = new ArrayList<>(tensors.values());
        order.sort(Comparator.comparing((Pending p) -> StDType.of(p.dtype())).reversed()
                .thenComparing(p -> p.name().getBytes(StandardCharsets.UTF_8), Arrays::compareUnsigned));
        byte[] header = header(order);
        long total = 8L + header.length;
        for (Pending p : order) total = Math.addExact(total, p.data().byteSize());

        Path target = file.toAbsolutePath();
        Path tmp = target.resolveSibling("." + target.getFileName() + "."
                + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong()) + ".tmp");
        try {
            writeTo(tmp, total, header, order);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException | Error e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
    }

    private byte[] header(List<Pending> order) throws IOException {
        ObjectNode root = Json.MAPPER.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = root.putObject(HeaderParser.METADATA_KEY);
            metadata.forEach(meta::put);
        }
        long offset = 0;
        for (Pending p : order) {
            ObjectNode e = root.putObject(p.name());
            e.put("dtype", p.dtype().name());
            ArrayNode shape = e.putArray("shape");
            for (long d : p.shape()) shape.add(d);
            long end = offset + p.data().byteSize();
            e.putArray("data_offsets").add(offset).add(end);
            offset = end;
        }
        byte[] json = Json.MAPPER.writeValueAsBytes(root);
        byte[] padded = Arrays.copyOf(json, (json.length + 7) & ~7);
        Arrays.fill(padded, json.length, padded.length, (byte) ' ');
        return padded;
    }

    private static void writeTo(Path tmp, long total, byte[] header, List<Pending> order) throws IOException {
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
             Arena arena = Arena.ofConfined()) {
            MemorySegment out = ch.map(FileChannel.MapMode.READ_WRITE, 0, total, arena);
            out.set(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0, header.length);
            MemorySegment.copy(MemorySegment.ofArray(header), 0, out, 8, header.length);
            long pos = 8L + header.length;
            for (Pending p : order) {
                MemorySegment.copy(p.data(), 0, out, pos, p.data().byteSize());
                pos += p.data().byteSize();
            }
            out.force();
        }
    }
}
