package ai.emu4j.models.emu3;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A model folder's answer-decoding defaults, from the two fields of Hugging Face's
 * {@code generation_config.json} this engine honours: {@code num_beams} (beam search width for
 * deterministic answers; 1, the default, is greedy) and {@code length_penalty} (the exponent of the answer
 * length that beam scores are divided by; default 1). Other fields are ignored. A folder without the file
 * decodes greedily.
 */
public record Decoding(int num_beams, float length_penalty) {
    public static final String FILE = "generation_config.json";
    /** Beyond this the search costs more than it can find for answers this engine produces. */
    public static final int MAX_BEAMS = 64;
    public static final Decoding GREEDY = new Decoding(1, 1f);

    public Decoding {
        if (num_beams < 1 || num_beams > MAX_BEAMS) throw new IllegalArgumentException("num_beams must be 1.." + MAX_BEAMS + ", got " + num_beams);
        if (!Float.isFinite(length_penalty)) throw new IllegalArgumentException("length_penalty must be a finite number, got " + length_penalty);
    }

    /** The beam width to use: the one asked for, or this folder's when asked for 0. */
    public int beams(int asked) {
        return asked > 0 ? asked : num_beams;
    }

    public static Decoding read(Path folder) throws IOException {
        Path file = folder.resolve(FILE);
        if (!Files.isRegularFile(file)) return GREEDY;
        JsonNode json;
        try {
            json = new ObjectMapper().readTree(file.toFile());
        } catch (JsonProcessingException e) {
            throw new IOException(file + ": not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (json == null || !json.isObject()) throw new IOException(file + ": must hold a JSON object");
        JsonNode beams = json.get("num_beams"), penalty = json.get("length_penalty");
        if (beams != null && !beams.isNull() && !beams.canConvertToExactIntegral()) throw new IOException(file + ": num_beams must be an integer, got " + beams);
        if (penalty != null && !penalty.isNull() && !penalty.isNumber()) throw new IOException(file + ": length_penalty must be a number, got " + penalty);
        try {
            return new Decoding(beams == null || beams.isNull() ? 1 : bounded(beams),
                    penalty == null || penalty.isNull() ? 1f : (float) penalty.asDouble());
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    /** The integer, or a value the range check rejects when it does not fit an int. */
    private static int bounded(JsonNode n) {
        return n.canConvertToInt() ? n.intValue() : -1;
    }
}
