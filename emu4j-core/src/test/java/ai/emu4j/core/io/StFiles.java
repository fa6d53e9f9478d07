package ai.emu4j.core.io;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Test helpers: committed fixtures, hand-built files, and decoding tensor bytes to numbers. */
final class StFiles {
    static final String REGENERATE = "run /usr/bin/python3 tools/fixtures/make_safetensors_fixtures.py";
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private StFiles() {}

    /** A committed fixture; a missing one fails the test rather than skipping it. */
    static Path fixture(String relative) {
        URL url = StFiles.class.getResource("/fixtures/safetensors/" + relative);
        assertNotNull(url, "fixture fixtures/safetensors/" + relative + " is missing: " + REGENERATE);
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static JsonNode expected(String name) {
        try {
            return Json.MAPPER.readTree(Files.readString(fixture(name + ".expected.json")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** 8-byte little-endian length, the header exactly as given (no padding), then the data. */
    static byte[] file(String header, byte[] data) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        return withLength(h.length, concat(h, data));
    }

    static byte[] file(String header, int dataBytes) {
        return file(header, new byte[dataBytes]);
    }

    static byte[] withLength(long headerLength, byte[] rest) {
        return ByteBuffer.allocate(8 + rest.length).order(LE).putLong(headerLength).put(rest).array();
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    static Path write(Path dir, String name, byte[] content) {
        try {
            return Files.write(dir.resolve(name), content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Element {@code i} of a tensor as a double (BOOL as 0/1), decoded the way PyTorch stores it. */
    static double element(MemorySegment data, String dtype, long i) {
        return switch (dtype) {
            case "F32" -> data.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(LE), i);
            case "F16" -> Float.float16ToFloat(data.getAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(LE), i));
            case "BF16" -> Float.intBitsToFloat((data.getAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(LE), i) & 0xffff) << 16);
            case "I8", "BOOL" -> data.get(ValueLayout.JAVA_BYTE, i);
            case "U8" -> data.get(ValueLayout.JAVA_BYTE, i) & 0xff;
            case "I32" -> data.getAtIndex(ValueLayout.JAVA_INT_UNALIGNED.withOrder(LE), i);
            default -> throw new IllegalArgumentException(dtype);
        };
    }

    static long elementI64(MemorySegment data, long i) {
        return data.getAtIndex(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(LE), i);
    }
}
