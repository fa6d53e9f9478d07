package ai.emu4j.core.io;

import static ai.emu4j.core.io.StFiles.file;
import static ai.emu4j.core.io.StFiles.withLength;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One hostile file per rule of the reference validation; each error must say what is wrong. */
class SafeTensorsMalformedTest {
    @TempDir
    Path dir;

    private String reject(byte[] content) {
        Path p = StFiles.write(dir, "bad.safetensors", content);
        SafeTensorsException e = assertThrows(SafeTensorsException.class, () -> SafeTensors.open(p).close());
        assertTrue(e.getMessage().startsWith("bad.safetensors: "), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        return e.getMessage();
    }

    private static void assertMentions(String message, String... parts) {
        for (String part : parts) assertTrue(message.contains(part), "'" + part + "' not in: " + message);
    }

    private static String one(String name, String dtype, String shape, long begin, long end) {
        return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":[" + begin + "," + end + "]}";
    }

    @Test
    void fileShorterThanLengthPrefix() {
        assertMentions(reject(new byte[5]), "5 bytes", "too small");
        assertMentions(reject(new byte[0]), "0 bytes");
    }

    @Test
    void truncatedData() {
        byte[] ok = file("{" + one("w", "F32", "[2,2]", 0, 16) + "}", 16);
        assertMentions(reject(Arrays.copyOf(ok, ok.length - 3)), "'w'", "holds 13 bytes", "past the end of the file");
    }

    @Test
    void headerLengthPastEndOfFile() {
        assertMentions(reject(withLength(500, "{}".getBytes(StandardCharsets.UTF_8))), "header length 500", "past the end");
    }

    @Test
    void headerLengthOverLimit() {
        assertMentions(reject(withLength(100_000_001L, new byte[4])), "100000001", "exceeds the limit");
        assertMentions(reject(withLength(-1L, new byte[4])), "18446744073709551615", "exceeds the limit");
    }

    @Test
    void invalidUtf8() {
        byte[] h = "{\"w\u00e9\":1}".getBytes(StandardCharsets.UTF_8);
        h[3] = (byte) 0xff;
        assertMentions(reject(withLength(h.length, h)), "not valid UTF-8", "0xff", "offset 3");
        byte[] overlong = {'{', '"', (byte) 0xc0, (byte) 0xaf, '"', ':', '1', '}'};
        assertMentions(reject(withLength(overlong.length, overlong)), "not valid UTF-8");
    }

    @Test
    void headerNotStartingWithBrace() {
        assertMentions(reject(file(" {}", 0)), "does not start with '{'");
        assertMentions(reject(file("[1]", 0)), "does not start with '{'");
        assertMentions(reject(withLength(0, new byte[0])), "does not start with '{'");
    }

    @Test
    void invalidJson() {
        assertMentions(reject(file("{\"w\":", 0)), "not valid JSON");
        assertMentions(reject(file("{} {}", 0)), "not valid JSON");
        assertMentions(reject(file("{\"w\":NaN}", 0)), "not valid JSON");
    }

    @Test
    void loneSurrogateEscapes() {
        assertMentions(reject(file("{\"\\ud800\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]}}", 1)), "lone surrogate");
        assertMentions(reject(file("{\"__metadata__\":{\"k\":\"a\\udc00\"}}", 0)), "lone surrogate");
    }

    @Test
    void duplicateNames() {
        String h = "{" + one("w", "U8", "[2]", 0, 2) + "," + one("w", "U8", "[2]", 2, 4) + "}";
        assertMentions(reject(file(h, 4)), "not valid JSON", "Duplicate", "'w'");
        assertMentions(reject(file("{\"__metadata__\":{\"a\":\"1\",\"a\":\"2\"}}", 0)), "Duplicate", "'a'");
    }

    @Test
    void overlappingOffsets() {
        String h = "{" + one("a", "U8", "[4]", 0, 4) + "," + one("b", "U8", "[4]", 2, 6) + "}";
        assertMentions(reject(file(h, 6)), "tensor 'b'", "[2, 6]", "overlap tensor 'a'");
    }

    @Test
    void gappedOffsets() {
        String h = "{" + one("a", "U8", "[4]", 0, 4) + "," + one("b", "U8", "[4]", 6, 10) + "}";
        assertMentions(reject(file(h, 10)), "tensor 'b'", "gap", "[4, 6)");
        assertMentions(reject(file("{" + one("a", "U8", "[2]", 1, 3) + "}", 3)), "tensor 'a'", "gap", "[0, 1)");
    }

    @Test
    void offsetsEndingBeforeTheyBegin() {
        assertMentions(reject(file("{" + one("a", "U8", "[0]", 4, 0) + "}", 4)), "tensor 'a'", "end before they begin");
    }

    @Test
    void trailingBytes() {
        assertMentions(reject(file("{" + one("a", "U8", "[4]", 0, 4) + "}", 9)), "tensor 'a'", "5 trailing bytes");
        assertMentions(reject(file("{}", 3)), "no tensors", "3 bytes");
    }

    @Test
    void shapeDisagreesWithRange() {
        String m = reject(file("{" + one("w", "F32", "[2,2]", 0, 12) + "}", 12));
        assertEquals("bad.safetensors: tensor 'w': data_offsets [0, 12] hold 12 bytes but F32 [2, 2] needs 16", m);
    }

    @Test
    void subByteDtypesMustFillWholeBytes() {
        assertMentions(reject(file("{" + one("q", "F4", "[3]", 0, 2) + "}", 2)), "tensor 'q'", "12 bits");
    }

    @Test
    void unknownDtype() {
        assertMentions(reject(file("{" + one("w", "F128", "[1]", 0, 16) + "}", 16)), "tensor 'w'", "unknown dtype 'F128'");
        assertMentions(reject(file("{" + one("w", "f32", "[1]", 0, 4) + "}", 4)), "unknown dtype 'f32'");
        assertMentions(reject(file("{\"w\":{\"dtype\":7,\"shape\":[],\"data_offsets\":[0,1]}}", 1)), "dtype must be a string");
    }

    @Test
    void badShapes() {
        assertMentions(reject(file("{" + one("w", "U8", "[-1]", 0, 0) + "}", 0)), "tensor 'w'", "shape[0] is -1");
        assertMentions(reject(file("{" + one("w", "U8", "[1.5]", 0, 0) + "}", 0)), "shape[0] is 1.5");
        assertMentions(reject(file("{" + one("w", "U8", "[99999999999999999999]", 0, 0) + "}", 0)), "below 2^63");
        assertMentions(reject(file("{" + one("w", "U8", "3", 0, 3) + "}", 3)), "shape must be an array");
        assertMentions(reject(file("{" + one("w", "U8", "[-0]", 0, 0) + "}", 0)), "-0 is a floating-point number");
        String huge = "[4294967296,4294967296,4294967296]";
        assertMentions(reject(file("{" + one("w", "F32", huge, 0, 0) + "}", 0)), "tensor 'w'", "overflows");
        assertMentions(reject(file("{" + one("w", "F32", "[4611686018427387904]", 0, 0) + "}", 0)), "overflows");
    }

    @Test
    void badOffsets() {
        assertMentions(reject(file("{\"w\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0]}}", 1)), "2 non-negative integers", "1 elements");
        assertMentions(reject(file("{" + one("w", "U8", "[1]", -1, 0) + "}", 1)), "data_offsets[0] is -1");
        assertMentions(reject(file("{" + one("w", "U8", "[1]", 0, Long.MAX_VALUE) + "}", 1)), "9223372036854775807 bytes but U8 [1] needs 1");
    }

    @Test
    void entrySchema() {
        assertMentions(reject(file("{\"w\":[1]}", 0)), "tensor 'w'", "must be an object");
        assertMentions(reject(file("{\"w\":{\"dtype\":\"U8\",\"shape\":[]}}", 0)), "no \"data_offsets\"");
        assertMentions(reject(file("{\"w\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1],\"x\":1}}", 1)), "unexpected key 'x'");
    }

    @Test
    void metadataMustBeStringMap() {
        assertMentions(reject(file("{\"__metadata__\":{\"n\":1}}", 0)), "__metadata__", "'n'", "must be a string");
        assertMentions(reject(file("{\"__metadata__\":[\"a\"]}", 0)), "__metadata__", "must be an object");
        assertMentions(reject(file("{\"__metadata__\":{\"n\":{\"a\":\"b\"}}}", 0)), "must be a string");
    }

    @Test
    void notARegularFile() throws Exception {
        Path folder = Files.createDirectory(dir.resolve("d.safetensors"));
        SafeTensorsException e = assertThrows(SafeTensorsException.class, () -> SafeTensors.open(folder));
        assertEquals("d.safetensors: not a regular file", e.getMessage());
    }

    @Test
    void validCornerCases() throws Exception {
        String h = "{\"__metadata__\":{\"k\":\"v\"}," + one("s", "F64", "[]", 0, 8) + "," + one("z", "F8_E4M3", "[0,7]", 8, 8)
                + "," + one("q", "F4", "[4]", 8, 10) + "}";
        Path p = StFiles.write(dir, "ok.safetensors", file(h, 10));
        try (SafeTensorsFile f = SafeTensors.open(p)) {
            assertEquals(3, f.entries().size());
            assertEquals(0, f.entry("s").rank());
            assertNull(f.entry("s").dtype(), "F64 is documented but not an engine dtype");
            assertEquals(8, f.data("s").byteSize());
            assertEquals(0, f.data("z").byteSize());
            assertEquals(1 + 0 + 4, f.parameterCount());
            assertEquals("v", f.metadata().get("k"));
        }
        Path nullMeta = StFiles.write(dir, "null.safetensors", file("{\"__metadata__\":null,\"\\ud83d\\ude00\":"
                + "{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]}}", 1));
        try (SafeTensorsFile f = SafeTensors.open(nullMeta)) {
            assertTrue(f.metadata().isEmpty());
            assertTrue(f.contains("\ud83d\ude00"), "a surrogate pair is a valid character");
        }
        Path empty = StFiles.write(dir, "empty.safetensors", file("{}", 0));
        try (SafeTensorsFile f = SafeTensors.open(empty)) {
            assertTrue(f.entries().isEmpty());
        }
        assertTrue(Files.size(empty) > 8);
    }
}
