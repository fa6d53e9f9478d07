package ai.emu4j.data.emoji;

import ai.emu4j.data.Checksums;
import ai.emu4j.data.DataException;
import ai.emu4j.data.Manifest;
import ai.emu4j.data.ManifestEntry;
import ai.emu4j.data.Split;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code emu4j data emoji}: the 64x64 PNGs of emoji-datasource-google (style "noto") and -twitter ("twemoji"),
 * copied byte for byte, with captions from the names, short names, categories and emojilib keywords.
 * Base emoji only (no skin-tone variants). Split by (emoji, style): 10% of the emoji that exist in both
 * styles have one style, chosen by hash, in "test" and the other in "train"; another 10% likewise in "val";
 * so every held-out picture's emoji is known from the other style. Cost: reading the tarballs (~140 MB
 * of gzip), about 3 s.
 */
public final class EmojiDataset {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_KEYWORDS = 8;

    private EmojiDataset() {}

    /** Writes the dataset from the three tarballs; returns the SHA256SUMS digest. */
    public static String generate(Path out, Map<EmojiStyle, Path> styles, Path emojilib) throws IOException {
        Map<String, List<String>> keywords = keywords(emojilib);
        Map<EmojiStyle, Map<String, byte[]>> files = new LinkedHashMap<>();
        Map<EmojiStyle, List<JsonNode>> emoji = new LinkedHashMap<>();
        for (var s : styles.entrySet()) {
            EmojiStyle style = s.getKey();
            Map<String, byte[]> f = TarGz.read(s.getValue(), p -> p.equals("emoji.json") || p.equals("LICENSE") || p.startsWith("img/" + style.key() + "/64/"));
            if (!f.containsKey("emoji.json")) throw new DataException(s.getValue() + " has no emoji.json: not an emoji-datasource package");
            files.put(style, f);
            List<JsonNode> list = new ArrayList<>();
            for (JsonNode e : JSON.readTree(f.get("emoji.json"))) {
                if (e.path("has_img_" + style.key()).asBoolean() && f.containsKey(style.imagePath(e.path("image").asText()))) list.add(e);
            }
            list.sort(Comparator.comparingInt((JsonNode e) -> e.path("sort_order").asInt()).thenComparing(e -> e.path("unified").asText()));
            emoji.put(style, list);
        }
        Set<String> inAll = null;
        for (List<JsonNode> list : emoji.values()) {
            Set<String> u = new HashSet<>();
            for (JsonNode e : list) u.add(e.path("unified").asText());
            if (inAll == null) inAll = u;
            else inAll.retainAll(u);
        }
        List<EmojiStyle> order = new ArrayList<>(styles.keySet());
        List<ManifestEntry> entries = new ArrayList<>();
        for (EmojiStyle style : order) {
            Files.createDirectories(out.resolve(style.word()));
            for (JsonNode e : emoji.get(style)) {
                String image = e.path("image").asText();
                String file = style.word() + "/" + image;
                Files.write(out.resolve(file), files.get(style).get(style.imagePath(image)));
                String unified = e.path("unified").asText().toLowerCase(java.util.Locale.ROOT);
                Split split = inAll.contains(e.path("unified").asText()) && order.size() > 1 ? split(unified, style, order) : Split.TRAIN;
                Map<String, Object> attrs = attributes(e, style, keywords);
                entries.add(new ManifestEntry("emoji-" + style.word() + "-" + unified, file, ManifestEntry.IMAGE, caption(attrs), split,
                        Map.of("attributes", attrs)));
            }
        }
        Manifest.write(out, entries);
        writeLicenses(out, files, emojilib);
        return Checksums.write(out);
    }

    /** 10% of emoji hold one style out for test, 10% for val; the held-out style is picked by a second hash. */
    static Split split(String unified, EmojiStyle style, List<EmojiStyle> order) {
        double u = Split.unit("emoji/" + unified);
        if (u >= 0.2) return Split.TRAIN;
        EmojiStyle held = order.get((int) (Split.unit("style/" + unified) * order.size()));
        return style != held ? Split.TRAIN : u < 0.1 ? Split.TEST : Split.VAL;
    }

    static Map<String, Object> attributes(JsonNode e, EmojiStyle style, Map<String, List<String>> keywords) {
        String unified = e.path("unified").asText();
        String shortName = e.path("short_name").asText();
        String name = e.path("name").isTextual() ? e.path("name").asText() : shortName.replace('_', ' ');
        name = name.toLowerCase(java.util.Locale.ROOT);
        List<String> shortNames = new ArrayList<>();
        for (JsonNode s : e.path("short_names")) shortNames.add(s.asText());
        if (shortNames.isEmpty()) shortNames.add(shortName);
        Set<String> kw = new LinkedHashSet<>();
        List<String> lib = keywords.getOrDefault(chars(unified), keywords.getOrDefault(chars(e.path("non_qualified").asText(unified)), List.of()));
        for (String k : lib) {
            String w = k.replace('_', ' ');
            if (!w.equals(name) && !shortNames.contains(k) && kw.size() < MAX_KEYWORDS) kw.add(w);
        }
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("unified", unified.toLowerCase(java.util.Locale.ROOT));
        a.put("name", name);
        a.put("short_names", shortNames);
        a.put("category", e.path("category").asText().toLowerCase(java.util.Locale.ROOT));
        a.put("subcategory", e.path("subcategory").asText());
        a.put("style", style.word());
        a.put("keywords", List.copyOf(kw));
        return a;
    }

    /** "grinning face, a noto emoji (smileys & emotion, face-smiling), :grinning:; keywords: face, smile". */
    @SuppressWarnings("unchecked")
    static String caption(Map<String, Object> a) {
        StringBuilder sb = new StringBuilder();
        sb.append(a.get("name")).append(", a ").append(a.get("style")).append(" emoji (").append(a.get("category"));
        if (!a.get("subcategory").toString().isEmpty()) sb.append(", ").append(a.get("subcategory"));
        sb.append(")");
        for (String s : (List<String>) a.get("short_names")) sb.append(", :").append(s).append(':');
        List<String> kw = (List<String>) a.get("keywords");
        if (!kw.isEmpty()) sb.append("; keywords: ").append(String.join(", ", kw));
        return sb.toString();
    }

    /** "1F600-FE0F" to the emoji's characters, the key emojilib uses. */
    static String chars(String unified) {
        StringBuilder sb = new StringBuilder();
        for (String cp : unified.split("-")) sb.appendCodePoint(Integer.parseInt(cp, 16));
        return sb.toString();
    }

    private static Map<String, List<String>> keywords(Path emojilib) throws IOException {
        byte[] json = TarGz.read(emojilib, p -> p.equals("dist/emoji-en-US.json")).get("dist/emoji-en-US.json");
        if (json == null) throw new DataException(emojilib + " has no dist/emoji-en-US.json: not an emojilib 4.x package");
        return JSON.readValue(json, new TypeReference<LinkedHashMap<String, List<String>>>() {});
    }

    private static void writeLicenses(Path out, Map<EmojiStyle, Map<String, byte[]>> files, Path emojilib) throws IOException {
        Files.createDirectories(out.resolve("licenses"));
        StringBuilder sb = new StringBuilder("# Attribution and licences\n\nThis folder was made by `emu4j data emoji` from these npm packages:\n\n");
        for (var s : files.entrySet()) {
            EmojiStyle style = s.getKey();
            sb.append("- `").append(style.pkg().spec()).append("` (").append(style.pkg().integrity()).append("): images in `")
                    .append(style.word()).append("/`. ").append(style.imageLicense())
                    .append(". Metadata (emoji.json) by iamcal/emoji-data, MIT licence: `licenses/").append(style.pkg().name()).append(".LICENSE`.\n");
            byte[] lic = s.getValue().get("LICENSE");
            if (lic != null) Files.write(out.resolve("licenses/" + style.pkg().name() + ".LICENSE"), lic);
        }
        sb.append("- `").append(NpmPackage.EMOJILIB.spec()).append("` (").append(NpmPackage.EMOJILIB.integrity())
                .append("): caption keywords, by Mu-An Chiou, MIT licence: `licenses/emojilib.LICENSE`.\n");
        byte[] lic = TarGz.read(emojilib, p -> p.equals("LICENSE")).get("LICENSE");
        if (lic != null) Files.write(out.resolve("licenses/emojilib.LICENSE"), lic);
        sb.append("\nTwemoji (CC-BY 4.0) requires attribution: \"Twemoji graphics by Twitter, Inc. and other contributors\".\n");
        Files.writeString(out.resolve("LICENSES.md"), sb, StandardCharsets.UTF_8);
    }
}
