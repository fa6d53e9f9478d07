package ai.emu4j.data;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code manifest.jsonl}: one compact JSON object per line, '\n' endings, UTF-8, in the order given. */
public final class Manifest {
    public static final String FILE = "manifest.jsonl";
    private static final ObjectMapper JSON = new ObjectMapper();

    private Manifest() {}

    public static void write(Path dir, List<ManifestEntry> entries) throws IOException {
        StringBuilder sb = new StringBuilder(entries.size() * 256);
        for (ManifestEntry e : entries) sb.append(JSON.writeValueAsString(e.toJson())).append('\n');
        Files.writeString(dir.resolve(FILE), sb, StandardCharsets.UTF_8);
    }

    /** Reads a dataset folder's manifest (or a manifest file itself). */
    public static List<ManifestEntry> read(Path dirOrFile) {
        Path file = Files.isDirectory(dirOrFile) ? dirOrFile.resolve(FILE) : dirOrFile;
        if (!Files.isRegularFile(file)) throw new DataException("no " + FILE + " in " + dirOrFile);
        List<ManifestEntry> out = new ArrayList<>();
        try {
            int lineNo = 0;
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                lineNo++;
                if (line.isBlank()) continue;
                Map<String, Object> m;
                try {
                    m = JSON.readValue(line, new TypeReference<LinkedHashMap<String, Object>>() {});
                } catch (IOException e) {
                    throw new DataException(file + ":" + lineNo + ": not a JSON object");
                }
                out.add(entry(m, file, lineNo));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    private static ManifestEntry entry(Map<String, Object> m, Path file, int lineNo) {
        Map<String, Object> extra = new LinkedHashMap<>(m);
        String[] fields = new String[5];
        String[] names = {"id", "file", "kind", "caption", "split"};
        for (int i = 0; i < names.length; i++) {
            if (!(extra.remove(names[i]) instanceof String s)) throw new DataException(file + ":" + lineNo + ": missing string \"" + names[i] + "\"");
            fields[i] = s;
        }
        try {
            return new ManifestEntry(fields[0], fields[1], fields[2], fields[3], Split.parse(fields[4]), extra);
        } catch (IllegalArgumentException e) {
            throw new DataException(file + ":" + lineNo + ": " + e.getMessage());
        }
    }
}
