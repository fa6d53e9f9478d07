package ai.emu4j.eval;

import ai.emu4j.data.Images;
import ai.emu4j.data.Manifest;
import ai.emu4j.data.ManifestEntry;
import ai.emu4j.data.Split;
import ai.emu4j.models.vq.RgbImage;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * A mixed dataset folder ({@code emu4j data mix}) seen by source and split. An entry's source is its
 * "source" field, or for a single dataset folder the id's prefix ("shapes-000001" is shapes).
 */
public record EvalData(Path folder, List<ManifestEntry> entries) {
    public static final String SHAPES = "shapes", EMOJI = "emoji", SPRITES = "sprites";

    public static EvalData read(Path folder) {
        return new EvalData(folder, Manifest.read(folder));
    }

    public static String source(ManifestEntry e) {
        Object s = e.extra().get("source");
        if (s instanceof String name) return name;
        int dash = e.id().indexOf('-');
        return dash < 0 ? "" : e.id().substring(0, dash);
    }

    public List<ManifestEntry> select(String source, Split... splits) {
        List<Split> want = List.of(splits);
        return entries.stream().filter(e -> source(e).equals(source) && want.contains(e.split())).toList();
    }

    /** At most limit items, drawn without replacement by the seed (all of them, shuffled, when fewer). */
    public static <T> List<T> sample(List<T> items, int limit, long seed) {
        List<T> copy = new ArrayList<>(items);
        Collections.shuffle(copy, new Random(seed));
        return copy.subList(0, Math.min(limit, copy.size()));
    }

    public RgbImage image(ManifestEntry e) {
        try {
            return Pictures.rgb(Images.readRgb(folder.resolve(e.file())));
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    public List<RgbImage> frames(ManifestEntry e) {
        try {
            List<RgbImage> out = new ArrayList<>();
            for (BufferedImage f : Images.readFrames(folder.resolve(e.file()))) out.add(Pictures.rgb(f));
            return out;
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }
}
