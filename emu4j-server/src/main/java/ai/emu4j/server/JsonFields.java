package ai.emu4j.server;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;

/**
 * Strict JSON in: duplicate keys, trailing tokens, deep nesting and absurd numbers are refused; every field
 * is read with its type checked, so a wrong type is a 400 naming the field, never a default. Unknown fields
 * are ignored (clients send vendor extras).
 */
final class JsonFields {
    static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(16).maxNumberLength(40).build())
                    .build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private JsonFields() {}

    static ObjectNode parseObject(byte[] body) {
        JsonNode node;
        try {
            node = MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw ApiError.invalid(null, "request body is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw ApiError.invalid(null, "request body could not be read as JSON");
        }
        if (!(node instanceof ObjectNode o)) throw ApiError.invalid(null, "request body must be a JSON object");
        return o;
    }

    /** A string field, or null when absent or JSON null. */
    static String string(JsonNode o, String name, String path) {
        JsonNode v = o.get(name);
        if (v == null || v.isNull()) return null;
        if (!v.isTextual()) throw ApiError.invalid(path, path + " must be a string, got " + kind(v));
        return v.asText();
    }

    static String requiredString(JsonNode o, String name, String path) {
        String s = string(o, name, path);
        if (s == null) throw ApiError.invalid(path, path + " is required");
        return s;
    }

    /** An integer field in [min, max], or def when absent; limitName names the server limit that max is, or null. */
    static long integer(JsonNode o, String name, long def, long min, long max, String limitName) {
        JsonNode v = o.get(name);
        if (v == null || v.isNull()) return def;
        if (!v.isIntegralNumber() && !(v.isNumber() && v.asDouble() == Math.rint(v.asDouble()))) {
            throw ApiError.invalid(name, name + " must be an integer, got " + kind(v));
        }
        if (!v.canConvertToLong()) throw ApiError.invalid(name, name + " is out of range");
        long x = v.asLong();
        if (x < min) throw ApiError.invalid(name, name + " must be at least " + min + ", got " + x);
        if (x > max) {
            if (limitName != null) throw ApiError.limit(400, name, limitName, name + " must be at most " + max + ", got " + x);
            throw ApiError.invalid(name, name + " must be at most " + max + ", got " + x);
        }
        return x;
    }

    /** A finite number in [min, max], or def when absent. */
    static double number(JsonNode o, String name, double def, double min, double max) {
        JsonNode v = o.get(name);
        if (v == null || v.isNull()) return def;
        if (!v.isNumber()) throw ApiError.invalid(name, name + " must be a number, got " + kind(v));
        double x = v.asDouble();
        if (!(x >= min && x <= max)) throw ApiError.invalid(name, name + " must be in [" + min + ", " + max + "], got " + x);
        return x;
    }

    static boolean bool(JsonNode o, String name, boolean def) {
        JsonNode v = o.get(name);
        if (v == null || v.isNull()) return def;
        if (!v.isBoolean()) throw ApiError.invalid(name, name + " must be true or false, got " + kind(v));
        return v.asBoolean();
    }

    static String kind(JsonNode v) {
        return switch (v.getNodeType()) {
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            default -> v.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        };
    }
}
