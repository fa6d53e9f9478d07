package ai.emu4j.data;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One line of {@code manifest.jsonl}. {@code extra} holds the dataset-specific fields (e.g. "attributes");
 * it must be insertion-ordered (LinkedHashMap / List) so the serialised line is byte-stable.
 */
public record ManifestEntry(String id, String file, String kind, String caption, Split split, Map<String, Object> extra) {
    public static final String IMAGE = "image";
    public static final String VIDEO = "video";

    public ManifestEntry {
        if (!kind.equals(IMAGE) && !kind.equals(VIDEO)) throw new IllegalArgumentException("kind must be image or video: " + kind);
        extra = new LinkedHashMap<>(extra);
    }

    /** The nested "attributes" object, or an empty map. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> attributes() {
        Object a = extra.get("attributes");
        return a instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("file", file);
        m.put("kind", kind);
        m.put("caption", caption);
        m.put("split", split.json());
        m.putAll(extra);
        return m;
    }
}
