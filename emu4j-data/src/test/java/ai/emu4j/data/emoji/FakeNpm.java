package ai.emu4j.data.emoji;

import ai.emu4j.core.util.Rng;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.imageio.ImageIO;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/**
 * Small tarballs with the layout of the real npm packages (package/emoji.json, package/img/KEY/64/*.png,
 * package/dist/emoji-en-US.json), so the emoji pipeline is tested without network. Emoji k is a random
 * blocky RGBA picture, distinct per (emoji, style); the last emoji exists only in the google set.
 */
public final class FakeNpm {
    public static final String[][] EMOJI = {
        {"1F600", "GRINNING FACE", "grinning", "Smileys & Emotion", "face-smiling"},
        {"1F34E", "RED APPLE", "apple", "Food & Drink", "food-fruit"},
        {"2764-FE0F", "RED HEART", "heart", "Smileys & Emotion", "heart"},
        {"1F680", "ROCKET", "rocket", "Travel & Places", "transport-air"},
        {"1F436", "DOG FACE", "dog", "Animals & Nature", "animal-mammal"},
        {"1F31E", "SUN WITH FACE", "sun_with_face", "Travel & Places", "sky & weather"},
        {"1F381", "WRAPPED PRESENT", "gift", "Activities", "event"},
        {"1F4A1", "ELECTRIC LIGHT BULB", "bulb", "Objects", "light & video"},
        {"1F697", "AUTOMOBILE", "car", "Travel & Places", "transport-ground"},
        {"1F3B8", "GUITAR", "guitar", "Objects", "musical-instrument"},
        {"1F333", "DECIDUOUS TREE", "deciduous_tree", "Animals & Nature", "plant-other"},
        {"1F355", "SLICE OF PIZZA", "pizza", "Food & Drink", "food-prepared"},
    };

    private FakeNpm() {}

    public static Path emojiDatasource(Path dir, String key) throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        StringBuilder json = new StringBuilder("[");
        for (int k = 0; k < EMOJI.length; k++) {
            String[] e = EMOJI[k];
            boolean has = key.equals("google") || k < EMOJI.length - 1;
            String image = e[0].toLowerCase(java.util.Locale.ROOT) + ".png";
            if (k > 0) json.append(',');
            json.append(String.format("{\"name\":\"%s\",\"unified\":\"%s\",\"non_qualified\":null,\"image\":\"%s\",\"short_name\":\"%s\","
                    + "\"short_names\":[\"%s\"],\"category\":\"%s\",\"subcategory\":\"%s\",\"sort_order\":%d,\"has_img_%s\":%s}",
                    e[1], e[0], image, e[2], e[2], e[3], e[4], k, key, has));
            if (has) files.put("img/" + key + "/64/" + image, png(picture(k * 2L + (key.equals("google") ? 0 : 1))));
        }
        files.put("emoji.json", json.append(']').toString().getBytes(StandardCharsets.UTF_8));
        files.put("LICENSE", "The MIT License (MIT)\nfake\n".getBytes(StandardCharsets.UTF_8));
        return tarball(dir.resolve("emoji-datasource-" + key + "-16.0.0.tgz"), files);
    }

    public static Path emojilib(Path dir) throws IOException {
        String json = "{\"😀\":[\"grinning_face\",\"face\",\"smile\",\"happy\"],\"🍎\":[\"red_apple\",\"fruit\",\"mac\",\"school\"],"
                + "\"❤️\":[\"red_heart\",\"love\",\"like\"]}";
        return tarball(dir.resolve("emojilib-4.0.3.tgz"), Map.of("dist/emoji-en-US.json", json.getBytes(StandardCharsets.UTF_8),
                "LICENSE", "MIT\n".getBytes(StandardCharsets.UTF_8)));
    }

    /** 8x8 blocks of random colours with a transparent border, like an emoji on its alpha background. */
    static BufferedImage picture(long seed) {
        Rng rng = new Rng(seed);
        BufferedImage img = new BufferedImage(64, 64, BufferedImage.TYPE_INT_ARGB);
        for (int by = 1; by < 7; by++) {
            for (int bx = 1; bx < 7; bx++) {
                int argb = 0xFF000000 | (int) (rng.nextLong() & 0xFFFFFF);
                for (int y = 0; y < 8; y++) for (int x = 0; x < 8; x++) img.setRGB(bx * 8 + x, by * 8 + y, argb);
            }
        }
        return img;
    }

    private static byte[] png(BufferedImage img) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }

    static Path tarball(Path file, Map<String, byte[]> files) throws IOException {
        try (OutputStream out = Files.newOutputStream(file);
             TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(out))) {
            for (var f : new java.util.TreeMap<>(files).entrySet()) {
                TarArchiveEntry e = new TarArchiveEntry("package/" + f.getKey());
                e.setSize(f.getValue().length);
                e.setModTime(0);
                tar.putArchiveEntry(e);
                tar.write(f.getValue());
                tar.closeArchiveEntry();
            }
        }
        return file;
    }
}
