package ai.emu4j.data.sprites;

import ai.emu4j.core.util.Rng;
import ai.emu4j.data.Checksums;
import ai.emu4j.data.Images;
import ai.emu4j.data.Manifest;
import ai.emu4j.data.ManifestEntry;
import ai.emu4j.data.Split;
import ai.emu4j.data.judge.MotionTracker;
import ai.emu4j.data.shapes.ShapeColor;
import ai.emu4j.data.shapes.ShapeKind;
import ai.emu4j.data.shapes.ShapeRenderer;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code emu4j data sprites}: 8-frame 64x64 animated GIFs of one object moving 4 px per frame in a stated
 * direction on white. The object is an emoji (downscaled 2x2 to 32x32) when an emoji dataset folder is given,
 * else a 20 px shape. The path is centred, so the object stays inside the frame. Splits are 80/10/10 by a
 * hash of the id. Cost: about 5 ms per clip, mostly GIF palette building.
 */
public final class SpritesDataset {
    public static final int FRAMES = 8, STEP = 4, SIZE = 64, DELAY_MS = 100;
    private static final int SHAPE_SIDE = 20;
    static final double MIN_VISIBLE = 0.15;
    private static final Direction[] MOVES = {Direction.LEFT, Direction.RIGHT, Direction.UP, Direction.DOWN};

    private SpritesDataset() {}

    /** A sprite: its tile (white = background) and how the caption names it. */
    record Sprite(BufferedImage tile, String noun, Map<String, Object> attributes) {}

    /** Writes count clips to out (clips/NNNNNN.gif, manifest.jsonl, SHA256SUMS); emojiDir may be null. Returns the SHA256SUMS digest. */
    public static String generate(Path out, long seed, int count, Path emojiDir) throws IOException {
        List<ManifestEntry> emoji = emojiDir == null ? List.of()
                : Manifest.read(emojiDir).stream().filter(e -> e.kind().equals(ManifestEntry.IMAGE)).toList();
        Files.createDirectories(out.resolve("clips"));
        Rng rng = new Rng(seed);
        List<ManifestEntry> entries = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            Sprite sprite = emoji.isEmpty() ? shape(rng) : emoji(emojiDir, emoji, rng);
            Direction dir = MOVES[rng.nextInt(MOVES.length)];
            int ts = sprite.tile().getWidth();
            int across = ts / 2 + 4 + rng.nextInt(SIZE - ts - 7);
            List<BufferedImage> frames = frames(sprite.tile(), dir, across);
            String name = String.format("%06d", i);
            String id = "sprites-" + name;
            String file = "clips/" + name + ".gif";
            Images.writeGif(frames, DELAY_MS, out.resolve(file));
            double u = Split.unit(id + "/" + seed);
            Split split = u < 0.1 ? Split.TEST : u < 0.2 ? Split.VAL : Split.TRAIN;
            Map<String, Object> attrs = new LinkedHashMap<>(sprite.attributes());
            attrs.put("direction", dir.word());
            attrs.put("frames", FRAMES);
            attrs.put("step", STEP);
            attrs.put("start", List.of(centre(dir.dx, across, 0), centre(dir.dy, across, 0)));
            entries.add(new ManifestEntry(id, file, ManifestEntry.VIDEO, "a " + sprite.noun() + " moving " + dir.word(), split,
                    Map.of("attributes", attrs)));
        }
        Manifest.write(out, entries);
        return Checksums.write(out);
    }

    /** Centre coordinate on one axis at frame t: moving axes sweep a path centred on the image, the other stays at across. */
    private static int centre(int d, int across, int t) {
        return d == 0 ? across : SIZE / 2 - d * STEP * (FRAMES - 1) / 2 + d * STEP * t;
    }

    static List<BufferedImage> frames(BufferedImage tile, Direction dir, int across) {
        List<BufferedImage> frames = new ArrayList<>(FRAMES);
        int ts = tile.getWidth();
        for (int t = 0; t < FRAMES; t++) {
            BufferedImage f = Images.rgb(SIZE, SIZE, Images.WHITE);
            int x0 = centre(dir.dx, across, t) - ts / 2, y0 = centre(dir.dy, across, t) - ts / 2;
            for (int y = 0; y < ts; y++) {
                for (int x = 0; x < ts; x++) {
                    int px = x0 + x, py = y0 + y;
                    if (px >= 0 && py >= 0 && px < SIZE && py < SIZE) f.setRGB(px, py, tile.getRGB(x, y) & 0xFFFFFF);
                }
            }
            frames.add(f);
        }
        return frames;
    }

    private static Sprite shape(Rng rng) {
        ShapeColor color = ShapeColor.values()[rng.nextInt(ShapeColor.values().length)];
        ShapeKind kind = ShapeKind.values()[rng.nextInt(ShapeKind.values().length)];
        BufferedImage tile = Images.rgb(SHAPE_SIDE, SHAPE_SIDE, Images.WHITE);
        ShapeRenderer.draw(tile, kind, color.rgb, SHAPE_SIDE, SHAPE_SIDE / 2, SHAPE_SIDE / 2);
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("object", "shape");
        a.put("color", color.word());
        a.put("shape", kind.word());
        return new Sprite(tile, color.word() + " " + kind.word(), a);
    }

    /**
     * A random emoji that stands out from the white background: at least {@link #MIN_VISIBLE} of its tile
     * must differ from white by the tracker's rule, which rules out white hearts, white squares and the like
     * (invisible on white, so no stated motion could be checked). Redraws until one qualifies.
     */
    private static Sprite emoji(Path dir, List<ManifestEntry> emoji, Rng rng) throws IOException {
        for (int tries = 0; tries < 1000; tries++) {
            ManifestEntry e = emoji.get(rng.nextInt(emoji.size()));
            BufferedImage tile = halve(Images.readRgb(dir.resolve(e.file())));
            if (visible(tile) >= MIN_VISIBLE) return emoji(e, tile);
        }
        throw new ai.emu4j.data.DataException("no emoji in " + dir + " stands out from a white background");
    }

    static double visible(BufferedImage tile) {
        int n = 0;
        for (int y = 0; y < tile.getHeight(); y++) for (int x = 0; x < tile.getWidth(); x++) if (MotionTracker.differs(tile.getRGB(x, y), Images.WHITE)) n++;
        return n / (double) (tile.getWidth() * tile.getHeight());
    }

    private static Sprite emoji(ManifestEntry e, BufferedImage tile) {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("object", "emoji");
        a.put("emoji_id", e.id());
        Object name = e.attributes().get("name");
        a.put("name", name);
        a.put("style", e.attributes().get("style"));
        return new Sprite(tile, String.valueOf(name), a);
    }

    /** 2x2 box downscale with rounding: exact integer arithmetic, the same on every JVM. */
    static BufferedImage halve(BufferedImage img) {
        int w = img.getWidth() / 2, h = img.getHeight() / 2;
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int rgb = 0;
                for (int shift = 16; shift >= 0; shift -= 8) {
                    int s = 0;
                    for (int k = 0; k < 4; k++) s += (img.getRGB(2 * x + (k & 1), 2 * y + (k >> 1)) >> shift) & 0xff;
                    rgb |= ((s + 2) / 4) << shift;
                }
                out.setRGB(x, y, rgb);
            }
        }
        return out;
    }
}
