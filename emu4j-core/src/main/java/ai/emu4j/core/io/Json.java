package ai.emu4j.core.io;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.util.JsonParserDelegate;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The one JSON reader for model files: duplicate keys and trailing garbage are errors (the format
 * forbids duplicates and most parsers silently keep the last one), and Jackson's default stream
 * limits bound nesting depth and number/string length on hostile input.
 */
final class Json {
    static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private Json() {}

    /** Strict UTF-8: the one place bytes from a model file become text. */
    static String decodeUtf8(String source, String what, byte[] bytes) throws SafeTensorsException {
        // REPORT, not the JDK default REPLACE: a lenient decoder would turn bad bytes into U+FFFD
        // and accept a header the reference rejects (a polyglot-file vector).
        CharsetDecoder dec = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult r = dec.decode(in, out, true);
        if (!r.isError()) r = dec.flush(out);
        if (r.isError()) {
            throw new SafeTensorsException(source + ": " + what + " is not valid UTF-8 (bad byte 0x"
                    + Integer.toHexString(bytes[in.position()] & 0xff) + " at offset " + in.position() + ")");
        }
        return out.flip().toString();
    }

    /** Parses {@code text}; any JSON problem becomes one SafeTensorsException line about {@code what}. */
    static JsonNode parse(String source, String what, String text) throws SafeTensorsException {
        try (JsonParser p = new ReferenceStrictness(MAPPER.createParser(text))) {
            return MAPPER.readTree(p);
        } catch (JacksonException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw new SafeTensorsException(source + ": " + what + " is not valid JSON" + where + ": "
                    + oneLine(e.getOriginalMessage()), e);
        } catch (IOException e) {
            throw new SafeTensorsException(source + ": " + what + " could not be read: " + oneLine(e.getMessage()), e);
        }
    }

    /**
     * Where Jackson is more lenient than the reference's serde_json (found by a differential run
     * against safetensors 0.8.0): {@code -0} is an integer to Jackson but a float to serde, so not a
     * valid dim or offset; and a lone UTF-16 surrogate escape such as {@code "\ud800"} is a string to
     * Jackson but an error to serde, as it cannot be UTF-8.
     */
    private static final class ReferenceStrictness extends JsonParserDelegate {
        ReferenceStrictness(JsonParser p) {
            super(p);
        }

        @Override
        public JsonToken nextToken() throws IOException {
            JsonToken t = super.nextToken();
            if (t == JsonToken.VALUE_NUMBER_INT && "-0".equals(getText())) {
                throw new JsonParseException(this, "-0 is a floating-point number, not an integer");
            }
            if (t == JsonToken.VALUE_STRING || t == JsonToken.FIELD_NAME) checkSurrogates(getText());
            return t;
        }

        @Override
        public String nextFieldName() throws IOException {
            String name = super.nextFieldName();
            if (name != null) checkSurrogates(name);
            return name;
        }

        private void checkSurrogates(String s) throws JsonParseException {
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                } else if (Character.isSurrogate(c)) {
                    throw new JsonParseException(this, "string holds a lone surrogate \\u" + Integer.toHexString(c)
                            + ", which is not valid UTF-8");
                }
            }
        }
    }

    /** Error lines must stay one line even when they quote input or a library message. */
    static String oneLine(String s) {
        if (s == null) return "";
        String flat = s.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
        return flat.length() > 300 ? flat.substring(0, 300) + "..." : flat;
    }

    /** A name from the file, quoted for a message: control characters escaped, long names cut. */
    static String quote(String name) {
        StringBuilder b = new StringBuilder("'");
        int n = Math.min(name.length(), 120);
        for (int i = 0; i < n; i++) {
            char c = name.charAt(i);
            if (c < 0x20 || c == 0x7f) b.append(String.format("\\u%04x", (int) c));
            else b.append(c);
        }
        if (n < name.length()) b.append("...");
        return b.append('\'').toString();
    }

    /** A shape for a message; a hostile header may hold millions of dims, so only the first few show. */
    static String dims(long[] shape) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < Math.min(shape.length, 8); i++) b.append(i == 0 ? "" : ", ").append(shape[i]);
        if (shape.length > 8) b.append(", ... (").append(shape.length).append(" dims)");
        return b.append(']').toString();
    }
}
