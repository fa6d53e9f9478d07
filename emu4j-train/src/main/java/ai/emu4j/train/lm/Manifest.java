package ai.emu4j.train.lm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A dataset folder's {@value #FILE}: one JSON object per line with "id", "file" (a PNG, GIF or other
 * picture, relative to the folder), "kind" ("image" or "video"), "caption" and "split" ("train", "val" or
 * "test"), optionally "source" (the dataset of a mix it came from) and "attributes" (an object; its string
 * values are kept, for {@code --pair-by}); other fields are ignored. Blank lines are skipped; any other bad line is an error naming it.
 */
public record Manifest(Path folder, List<Entry> entries) {
    public static final String FILE = "manifest.jsonl";

    /**
     * source: the manifest's optional "source" field (which dataset of a mix the entry came from), "" when absent;
     * attributes: the string-valued fields of its optional "attributes" object.
     */
    public record Entry(String id, Path file, boolean video, String caption, String split, String source, java.util.Map<String, String> attributes) {
        public Entry {
            attributes = java.util.Map.copyOf(attributes);
        }
    }

    public static Manifest read(Path folder) throws IOException {
        Path file = folder.resolve(FILE);
        if (!Files.isRegularFile(file)) throw new NoSuchFileException(file.toString(), null, "the dataset folder has no " + FILE);
        ObjectMapper json = new ObjectMapper();
        List<Entry> out = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) continue;
            String where = file.getFileName() + " line " + (i + 1) + ": ";
            JsonNode n;
            try {
                n = json.readTree(line);
            } catch (JsonProcessingException e) {
                throw new IOException(where + "not JSON (" + e.getOriginalMessage() + ")");
            }
            if (n == null || !n.isObject()) throw new IOException(where + "not a JSON object");
            String id = text(n, "id", where), rel = text(n, "file", where), kind = text(n, "kind", where), split = text(n, "split", where);
            JsonNode caption = n.get("caption");
            if (caption == null || !caption.isTextual()) throw new IOException(where + "\"caption\" must be a string");
            if (!kind.equals("image") && !kind.equals("video")) throw new IOException(where + "\"kind\" must be image or video, got " + kind);
            if (!split.equals("train") && !split.equals("val") && !split.equals("test")) throw new IOException(where + "\"split\" must be train, val or test, got " + split);
            if (!ids.add(id)) throw new IOException(where + "id " + id + " repeats");
            Path media = folder.resolve(rel).normalize();
            if (!media.startsWith(folder.normalize())) throw new IOException(where + "file " + rel + " lies outside the dataset folder");
            JsonNode source = n.get("source");
            if (source != null && !source.isTextual()) throw new IOException(where + "\"source\" must be a string");
            JsonNode attrs = n.get("attributes");
            if (attrs != null && !attrs.isObject()) throw new IOException(where + "\"attributes\" must be an object");
            java.util.Map<String, String> strings = new java.util.HashMap<>();
            if (attrs != null) attrs.properties().forEach(f -> {
                if (f.getValue().isTextual()) strings.put(f.getKey(), f.getValue().asText());
            });
            out.add(new Entry(id, media, kind.equals("video"), caption.asText(), split, source == null ? "" : source.asText(), strings));
        }
        if (out.isEmpty()) throw new IOException(file + ": no entries");
        return new Manifest(folder, List.copyOf(out));
    }

    private static String text(JsonNode n, String field, String where) throws IOException {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual() || v.asText().isEmpty()) throw new IOException(where + "\"" + field + "\" must be a non-empty string");
        return v.asText();
    }

    public List<Entry> split(String name) {
        return entries.stream().filter(e -> e.split().equals(name)).toList();
    }
}
