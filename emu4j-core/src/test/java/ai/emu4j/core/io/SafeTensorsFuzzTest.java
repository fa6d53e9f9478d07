package ai.emu4j.core.io;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded mutations of valid files: every outcome must be a clean parse or a SafeTensorsException,
 * never another exception, an error, or a hang. Fixed seed, so a failure replays exactly.
 */
class SafeTensorsFuzzTest {
    private static final int ITERATIONS = 5000;
    private static final Pattern NUMBER = Pattern.compile("-?\\d+");
    private static final Pattern DTYPE = Pattern.compile("\"[A-Z][A-Z0-9_]*\"");
    private static final String[] NUMBERS = {"-1", "0", "1", "7", "255", "4294967296", "9223372036854775807",
        "9223372036854775808", "18446744073709551616", "1.5", "1e30", "-0", "99999999999999999999999999"};
    private static final String[] DTYPES = {"\"F32\"", "\"F4\"", "\"F6_E2M3\"", "\"C64\"", "\"F8_E8M0\"", "\"X\"", "\"\"", "1", "null", "[]"};
    private static final String[] TOKENS = {"{", "}", "[", "]", "\"", ",", ":", "null", "\"__metadata__\"", "\\u0000",
        "{\"a\":\"b\"}", "[0,0]", "\"shape\":[]", "\u00e9", "\ud83d\ude00"};

    @TempDir
    Path dir;

    @Test
    void mutatedFilesParseOrFailCleanly() throws IOException {
        List<byte[]> seeds = List.of(
                Files.readAllBytes(StFiles.fixture("basic.safetensors")),
                Files.readAllBytes(StFiles.fixture("unpadded.safetensors")),
                Files.readAllBytes(StFiles.fixture("sharded/model-00002-of-00002.safetensors")));
        Random rnd = new Random(20_261_123L);
        Path file = dir.resolve("fuzz.safetensors");
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            int parsed = 0;
            for (int i = 0; i < ITERATIONS; i++) {
                byte[] bytes = seeds.get(rnd.nextInt(seeds.size()));
                int edits = 1 + rnd.nextInt(3);
                for (int k = 0; k < edits; k++) bytes = mutate(bytes, rnd);
                overwrite(out, bytes);
                long start = cpuNanos();
                try (SafeTensorsFile f = SafeTensors.open(file)) {
                    touchEverything(f);
                    parsed++;
                } catch (SafeTensorsException expected) {
                    assertTrue(!expected.getMessage().isBlank() && !expected.getMessage().contains("\n"), expected.getMessage());
                } catch (Throwable t) {
                    fail("iteration " + i + ": " + t + " on input " + preview(bytes), t);
                }
                long ms = (cpuNanos() - start) / 1_000_000;
                assertTrue(ms < 1000, "iteration " + i + " took " + ms + " ms of CPU");
            }
            assertTrue(parsed > 0 && parsed < ITERATIONS, "mutations should both keep and break files: " + parsed);
        }
    }

    @Test
    void pathologicalHeadersFailFast() {
        String deep = "{\"a\":" + "[".repeat(200_000) + "]".repeat(200_000) + "}";
        String manyDims = "{\"a\":{\"dtype\":\"U8\",\"shape\":[" + "1,".repeat(100_000) + "0],\"data_offsets\":[0,0]}}";
        StringBuilder many = new StringBuilder("{");
        for (int i = 0; i < 20_000; i++) {
            many.append(i == 0 ? "" : ",").append("\"t").append(i).append("\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[")
                    .append(i).append(',').append(i + 1).append("]}");
        }
        String gap = many.append(",\"z\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[50001,50002]}}").toString();
        for (String header : List.of(deep, manyDims, gap)) {
            byte[] h = header.getBytes(StandardCharsets.UTF_8);
            long start = cpuNanos();
            assertThrowsCleanly(() -> HeaderParser.parse("p.safetensors", h, 8L + h.length + 20_002));
            long ms = (cpuNanos() - start) / 1_000_000;
            assertTrue(ms < 1000, header.substring(0, 20) + " took " + ms + " ms of CPU");
        }
    }

    /**
     * This thread's CPU time: the one-second budget guards against blow-ups (quadratic parsing, huge
     * allocations), and wall time would also count other processes on a shared machine.
     */
    private static long cpuNanos() {
        return java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }

    private static void assertThrowsCleanly(org.junit.jupiter.api.function.Executable parse) {
        try {
            parse.execute();
            fail("accepted a pathological header");
        } catch (SafeTensorsException expected) {
            assertTrue(expected.getMessage().length() < 1000, expected.getMessage());
        } catch (Throwable t) {
            fail(t);
        }
    }

    /** Rewrites in place: reopening and truncating a file per case costs more than the parse. */
    private static void overwrite(FileChannel out, byte[] bytes) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        while (buf.hasRemaining()) out.write(buf, buf.position());
        if (out.size() > bytes.length) out.truncate(bytes.length);
    }

    private static void touchEverything(SafeTensorsFile f) {
        for (TensorEntry e : f.entries()) {
            MemorySegment d = f.data(e);
            if (d.byteSize() > 0) {
                d.get(ValueLayout.JAVA_BYTE, 0);
                d.get(ValueLayout.JAVA_BYTE, d.byteSize() - 1);
            }
        }
        f.parameterCount();
    }

    private static byte[] mutate(byte[] in, Random rnd) {
        byte[] b = in.clone();
        switch (rnd.nextInt(7)) {
            case 0 -> { // any byte
                if (b.length > 0) b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
            }
            case 1 -> { // a header byte, where most of the parsing happens
                int n = headerLength(b);
                if (n > 0) b[8 + rnd.nextInt(n)] ^= (byte) (1 << rnd.nextInt(8));
            }
            case 2 -> b = Arrays.copyOf(b, rnd.nextInt(b.length + 1));
            case 3 -> b = StFiles.concat(b, new byte[1 + rnd.nextInt(16)]);
            case 4 -> {
                if (b.length >= 8) {
                    long[] lengths = {rnd.nextLong(), -1L, 0, b.length - 8, b.length, headerLength(b) + rnd.nextInt(17) - 8,
                        100_000_000L, 100_000_001L, 1L << 32};
                    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(0, lengths[rnd.nextInt(lengths.length)]);
                }
            }
            default -> b = editJson(b, rnd);
        }
        return b;
    }

    /** Rewrites the header text and (usually) fixes the length prefix, so the edit reaches the parser. */
    private static byte[] editJson(byte[] b, Random rnd) {
        int n = headerLength(b);
        if (n <= 0) return b;
        String json = new String(b, 8, n, StandardCharsets.UTF_8);
        String edited = switch (rnd.nextInt(4)) {
            case 0 -> replaceRandom(json, NUMBER, NUMBERS, rnd);
            case 1 -> replaceRandom(json, DTYPE, DTYPES, rnd);
            case 2 -> {
                int at = rnd.nextInt(json.length() + 1);
                yield json.substring(0, at) + TOKENS[rnd.nextInt(TOKENS.length)] + json.substring(at);
            }
            default -> {
                int from = rnd.nextInt(json.length()), to = Math.min(json.length(), from + 1 + rnd.nextInt(24));
                yield rnd.nextBoolean() ? json.substring(0, from) + json.substring(to)
                        : json.substring(0, to) + json.substring(from, to) + json.substring(to);
            }
        };
        byte[] header = edited.getBytes(StandardCharsets.UTF_8);
        byte[] data = Arrays.copyOfRange(b, 8 + n, b.length);
        long length = rnd.nextInt(8) == 0 ? n : header.length;
        return StFiles.withLength(length, StFiles.concat(header, data));
    }

    private static String replaceRandom(String json, Pattern p, String[] choices, Random rnd) {
        Matcher m = p.matcher(json);
        List<int[]> spans = m.results().map(r -> new int[] {r.start(), r.end()}).toList();
        if (spans.isEmpty()) return json;
        int[] s = spans.get(rnd.nextInt(spans.size()));
        return json.substring(0, s[0]) + choices[rnd.nextInt(choices.length)] + json.substring(s[1]);
    }

    /** The header length if it is plausible for these bytes, else -1. */
    private static int headerLength(byte[] b) {
        if (b.length < 8) return -1;
        long n = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        return n >= 0 && n <= b.length - 8 ? (int) n : -1;
    }

    private static String preview(byte[] b) {
        return b.length + " bytes: " + new String(b, 0, Math.min(b.length, 400), StandardCharsets.ISO_8859_1);
    }
}
