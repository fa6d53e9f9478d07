package ai.emu4j.cli;

import ai.emu4j.core.tensor.Tensor;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The codes.json format: {"grid": [frames, height, width], "codes": [...]} with codes flat,
 * frame-major then row-major, plus informational fields ("model", "input", "input_size" [h, w],
 * "model_size" [H, W], "frames": input frame count, "video"). Reading checks everything decode
 * relies on, so a bad file is one clear error instead of a wrong picture.
 */
final class TokenizerCodes {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Latent grid sides above this (8192 pixels at 8x down) are refused before decoding. */
    static final int MAX_SIDE = 1024;

    /** Parsed codes: shape (T', h, w); frames = the input frame count (or 4T'), video as encoded. */
    record Codes(Tensor codes, int frames, boolean video) {}

    private TokenizerCodes() {}

    static String toJson(Tensor codes, boolean video, int frames, String model, String input, int[] inputSize, int[] modelSize) throws JsonProcessingException {
        ObjectNode n = JSON.createObjectNode();
        n.put("model", model);
        n.put("input", input);
        n.set("input_size", JSON.valueToTree(inputSize));
        n.set("model_size", JSON.valueToTree(modelSize));
        n.put("video", video);
        n.put("frames", frames);
        n.set("grid", JSON.valueToTree(codes.shape()));
        ArrayNode a = n.putArray("codes");
        for (int c : codes.toIntArray()) a.add(c);
        return JSON.writeValueAsString(n) + "\n";
    }

    static Codes read(Path file, int codebookSize, int maxFrames) throws IOException {
        JsonNode n;
        try {
            n = JSON.readTree(Files.readAllBytes(file));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(file + ": not valid JSON (" + e.getOriginalMessage() + ")");
        }
        if (n == null || !n.isObject()) throw new IllegalArgumentException(file + ": expected a JSON object with \"grid\" and \"codes\"");
        JsonNode grid = n.get("grid"), codes = n.get("codes");
        if (grid == null || !grid.isArray() || grid.size() != 3) throw new IllegalArgumentException(file + ": \"grid\" must be [frames, height, width]");
        int[] g = new int[3];
        for (int i = 0; i < 3; i++) {
            if (!grid.get(i).canConvertToInt() || !grid.get(i).isIntegralNumber() || grid.get(i).asInt() <= 0) {
                throw new IllegalArgumentException(file + ": \"grid\" entries must be positive integers, got " + grid);
            }
            g[i] = grid.get(i).asInt();
        }
        if (g[1] > MAX_SIDE || g[2] > MAX_SIDE || (long) g[0] * 4 > maxFrames) {
            throw new IllegalArgumentException(file + ": grid " + grid + " is over the budget (sides <= " + MAX_SIDE + ", frames <= " + maxFrames + ")");
        }
        if (codes == null || !codes.isArray()) throw new IllegalArgumentException(file + ": \"codes\" must be an array of integers");
        long expected = (long) g[0] * g[1] * g[2];
        if (codes.size() != expected) {
            throw new IllegalArgumentException(file + ": grid " + grid + " holds " + expected + " codes, the file has " + codes.size());
        }
        int[] c = new int[codes.size()];
        for (int i = 0; i < c.length; i++) {
            JsonNode v = codes.get(i);
            if (!v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < 0 || v.asInt() >= codebookSize) {
                throw new IllegalArgumentException(file + ": code " + v + " at index " + i + " is outside the codebook [0, " + codebookSize + ")");
            }
            c[i] = v.asInt();
        }
        boolean video = n.path("video").asBoolean(g[0] > 1);
        int frames = n.path("frames").asInt(video ? 4 * g[0] : 1);
        if (frames <= 0 || frames > 4 * g[0]) frames = video ? 4 * g[0] : 1;
        return new Codes(Tensor.ofInts(c, g), frames, video);
    }
}
