package ai.emu4j.core.io;

import static ai.emu4j.core.io.Json.quote;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The reference reader's header validation (safetensors {@code read_metadata} + {@code validate}),
 * plus the checks it leaves out (leading '{', duplicate keys, unknown entry keys). Works on bytes
 * already read, so nothing is mapped or allocated from a size the file claims until this passed.
 */
final class HeaderParser {
    static final String METADATA_KEY = "__metadata__";
    private static final Set<String> ENTRY_KEYS = Set.of("dtype", "shape", "data_offsets");

    private HeaderParser() {}

    /** @param header the N header bytes; {@code fileSize} is the whole file's length, 8 + N included */
    static SafeTensorsHeader parse(String source, byte[] header, long fileSize) throws SafeTensorsException {
        if (header.length == 0 || header[0] != '{') {
            throw new SafeTensorsException(source + ": header does not start with '{' (not a safetensors JSON header)");
        }
        JsonNode root = Json.parse(source, "header", Json.decodeUtf8(source, "header", header));
        if (!root.isObject()) throw new SafeTensorsException(source + ": header is not a JSON object");
        List<TensorEntry> entries = new ArrayList<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> field : root.properties()) {
            if (field.getKey().equals(METADATA_KEY)) {
                readMetadata(source, field.getValue(), metadata);
            } else {
                entries.add(readEntry(source, field.getKey(), field.getValue()));
            }
        }
        long dataStart = 8L + header.length;
        checkLayout(source, entries, fileSize - dataStart);
        return new SafeTensorsHeader(source, fileSize, dataStart, entries, metadata);
    }

    /** A null {@code __metadata__} means none, as in the reference (an Option there). */
    private static void readMetadata(String source, JsonNode node, Map<String, String> into) throws SafeTensorsException {
        if (node.isNull()) return;
        if (!node.isObject()) {
            throw new SafeTensorsException(source + ": __metadata__ must be an object of strings, found " + kind(node));
        }
        for (Map.Entry<String, JsonNode> kv : node.properties()) {
            if (!kv.getValue().isTextual()) {
                throw new SafeTensorsException(source + ": __metadata__ value " + quote(kv.getKey())
                        + " must be a string, found " + kind(kv.getValue()));
            }
            into.put(kv.getKey(), kv.getValue().textValue());
        }
    }

    private static TensorEntry readEntry(String source, String name, JsonNode node) throws SafeTensorsException {
        String at = source + ": tensor " + quote(name) + ": ";
        if (!node.isObject()) throw new SafeTensorsException(at + "entry must be an object, found " + kind(node));
        for (String key : ENTRY_KEYS) {
            if (!node.has(key)) throw new SafeTensorsException(at + "entry has no \"" + key + "\"");
        }
        for (Map.Entry<String, JsonNode> kv : node.properties()) {
            String key = kv.getKey();
            if (!ENTRY_KEYS.contains(key)) throw new SafeTensorsException(at + "entry has unexpected key " + quote(key));
        }
        JsonNode dt = node.get("dtype");
        if (!dt.isTextual()) throw new SafeTensorsException(at + "dtype must be a string, found " + kind(dt));
        StDType st = StDType.parse(dt.textValue());
        if (st == null) throw new SafeTensorsException(at + "unknown dtype " + quote(dt.textValue()));
        long[] shape = naturals(at, "shape", node.get("shape"), -1);
        long[] offsets = naturals(at, "data_offsets", node.get("data_offsets"), 2);
        return new TensorEntry(name, st.name(), st.engineType(), shape, offsets[0], offsets[1]);
    }

    /** An array of non-negative integers that fit in a long; {@code count} < 0 means any length. */
    private static long[] naturals(String at, String key, JsonNode node, int count) throws SafeTensorsException {
        String want = count < 0 ? "an array of non-negative integers" : "an array of " + count + " non-negative integers";
        if (!node.isArray()) throw new SafeTensorsException(at + key + " must be " + want + ", found " + kind(node));
        if (count >= 0 && node.size() != count) {
            throw new SafeTensorsException(at + key + " must be " + want + ", found " + node.size() + " elements");
        }
        long[] out = new long[node.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode v = node.get(i);
            if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 0) {
                throw new SafeTensorsException(at + key + "[" + i + "] is " + Json.oneLine(clip(v.toString()))
                        + "; " + key + " must be " + want + " below 2^63");
            }
            out[i] = v.longValue();
        }
        return out;
    }

    /**
     * Sorted by offsets the ranges must tile [0, bufferBytes) exactly, and each range must hold
     * exactly shape x dtype bits. Walks in the reference's order so the first error reported matches.
     */
    private static void checkLayout(String source, List<TensorEntry> entries, long bufferBytes) throws SafeTensorsException {
        List<TensorEntry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparingLong(TensorEntry::begin).thenComparingLong(TensorEntry::end));
        long expected = 0;
        TensorEntry previous = null;
        for (TensorEntry e : sorted) {
            String at = source + ": tensor " + quote(e.name()) + ": data_offsets [" + e.begin() + ", " + e.end() + "] ";
            if (e.end() < e.begin()) throw new SafeTensorsException(at + "end before they begin");
            if (e.begin() > expected) {
                throw new SafeTensorsException(at + "leave a gap: bytes [" + expected + ", " + e.begin()
                        + ") of the data buffer belong to no tensor");
            }
            if (e.begin() < expected) {
                throw new SafeTensorsException(at + "overlap tensor " + quote(previous.name())
                        + ", which ends at " + expected);
            }
            long bytes = requiredBytes(source, e);
            if (bytes != e.byteSize()) {
                throw new SafeTensorsException(at + "hold " + e.byteSize() + " bytes but " + e.dtypeName() + " "
                        + Json.dims(e.shape()) + " needs " + bytes);
            }
            expected = e.end();
            previous = e;
        }
        if (expected == bufferBytes) return;
        if (previous == null) {
            throw new SafeTensorsException(source + ": header lists no tensors but " + bufferBytes + " bytes follow it");
        }
        String at = source + ": tensor " + quote(previous.name()) + ": data ends at buffer offset " + expected
                + " but the data buffer holds " + bufferBytes + " bytes";
        throw new SafeTensorsException(expected > bufferBytes
                ? at + ": the tensor runs past the end of the file"
                : at + ": " + (bufferBytes - expected) + " trailing bytes after the last tensor");
    }

    private static long requiredBytes(String source, TensorEntry e) throws SafeTensorsException {
        String at = source + ": tensor " + quote(e.name()) + ": " + e.dtypeName() + " " + Json.dims(e.shape());
        long bits;
        try {
            bits = Math.multiplyExact(e.numel(), (long) StDType.valueOf(e.dtypeName()).bits());
        } catch (ArithmeticException overflow) {
            throw new SafeTensorsException(at + " has more than 2^63 bits (shape overflows)");
        }
        if (bits % 8 != 0) throw new SafeTensorsException(at + " is " + bits + " bits, not a whole number of bytes");
        return bits / 8;
    }

    private static String kind(JsonNode node) {
        return node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    }

    private static String clip(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }
}
