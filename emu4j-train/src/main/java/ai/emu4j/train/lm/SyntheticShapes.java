package ai.emu4j.train.lm;

import ai.emu4j.core.util.Rng;
import ai.emu4j.models.emu3.SpecialNames;
import ai.emu4j.models.emu3.VisionTokens;
import ai.emu4j.models.tokenizer.BpeTrainer;
import ai.emu4j.models.vq.MediaFiles;
import ai.emu4j.models.vq.RgbImage;
import ai.emu4j.models.vq.VQImages;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A small captioned dataset in the {@link Manifest} format, drawn procedurally: pictures of a coloured
 * square or disc on a plain background ("a red disc on white"), and 4-frame GIF clips of a square moving
 * across ("a blue square moving right"). With {@link #writeTokenizer} it makes a self-contained smoke
 * test of the whole pipeline, and the demo model's training data.
 */
public final class SyntheticShapes {
    private static final String[] COLORS = {"red", "green", "blue", "yellow"};
    private static final int[][] RGB = {{220, 30, 30}, {30, 180, 40}, {30, 60, 220}, {230, 210, 30}};
    private static final String[] SHAPES = {"square", "disc"};
    private static final String[] BACKGROUNDS = {"white", "black"};

    private SyntheticShapes() {}

    /** Writes images (and clips, when videos > 0) of size x size pixels plus manifest.jsonl; every fifth item goes to val. Returns the captions. */
    public static List<String> write(Path dir, int images, int videos, int size, long seed) throws IOException {
        Files.createDirectories(dir);
        Rng rng = new Rng(seed);
        StringBuilder manifest = new StringBuilder();
        List<String> captions = new ArrayList<>();
        for (int i = 0; i < images + videos; i++) {
            int color = rng.nextInt(COLORS.length), bg = rng.nextInt(BACKGROUNDS.length);
            boolean video = i >= images;
            String id = (video ? "clip" : "img") + i, caption, file;
            if (!video) {
                int shape = rng.nextInt(SHAPES.length);
                caption = "a " + COLORS[color] + " " + SHAPES[shape] + " on " + BACKGROUNDS[bg];
                file = id + ".png";
                VQImages.writePng(draw(size, color, bg, shape == 1, size / 2, size / 2), dir.resolve(file));
            } else {
                boolean right = rng.nextInt(2) == 0;
                caption = "a " + COLORS[color] + " square moving " + (right ? "right" : "left");
                file = id + ".gif";
                List<RgbImage> frames = new ArrayList<>();
                for (int f = 0; f < 4; f++) {
                    int x = size / 4 + (right ? f : 3 - f) * size / 6;
                    frames.add(draw(size, color, bg, false, x, size / 2));
                }
                MediaFiles.writeGif(frames, 25, dir.resolve(file));
            }
            captions.add(caption);
            String split = i % 5 == 4 ? "val" : "train";
            manifest.append("{\"id\": \"").append(id).append("\", \"file\": \"").append(file).append("\", \"kind\": \"")
                    .append(video ? "video" : "image").append("\", \"caption\": \"").append(caption).append("\", \"split\": \"").append(split).append("\"}\n");
        }
        Files.writeString(dir.resolve(Manifest.FILE), manifest, StandardCharsets.UTF_8);
        return captions;
    }

    private static RgbImage draw(int size, int color, int bg, boolean disc, int cx, int cy) {
        byte[] px = new byte[size * size * 3];
        int r = Math.max(1, size / 4);
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                boolean inside = disc ? (x - cx) * (x - cx) + (y - cy) * (y - cy) <= r * r : Math.abs(x - cx) <= r && Math.abs(y - cy) <= r;
                for (int c = 0; c < 3; c++) px[(y * size + x) * 3 + c] = (byte) (inside ? RGB[color][c] : bg == 0 ? 245 : 10);
            }
        }
        return new RgbImage(size, size, px);
    }

    /**
     * A small Emu3-compatible tokenizer.json: Emu3's special strings (pad first, id 0), then
     * {@code <|visual token 000000|>}.. for the codebook, then a byte-level BPE (Qwen pre-tokenizer, digits
     * one by one as Emu3's) of the 256 byte tokens plus up to {@code merges} merges learned from texts.
     */
    public static void writeTokenizer(Path file, List<String> texts, int merges, int codebookSize) throws IOException {
        List<String> specials = new ArrayList<>(SpecialNames.EMU3.all());
        for (int c = 0; c < codebookSize; c++) specials.add(VisionTokens.visualTokenName(c));
        BpeTrainer trainer = new BpeTrainer(new BpeTrainer.Options(specials.size() + 256 + merges, specials, "qwen", 1));
        for (String t : texts) trainer.add(t);
        BpeTrainer.writeAtomically(file, BpeTrainer.toTokenizerJson(trainer.train(msg -> {})));
    }
}
