package ai.emu4j.train.lm;

import ai.emu4j.core.ops.Indexing;
import ai.emu4j.core.tensor.Tensor;
import ai.emu4j.models.emu3.Emu3Bundle;
import ai.emu4j.models.emu3.Emu3Processor;
import ai.emu4j.models.emu3.EncodedVisual;
import ai.emu4j.models.vq.Emu3VisionVQ;
import ai.emu4j.models.vq.MediaFiles;
import ai.emu4j.models.vq.RgbImage;
import ai.emu4j.models.vq.VQImageProcessor;
import ai.emu4j.models.vq.VQImages;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.ToIntFunction;

/**
 * VQ codes of a dataset's pictures, encoded once and kept in a JSON file. The file is reused only when
 * its key matches: a SHA-256 over the vision tokenizer's config and weight file sizes and times, the
 * image area, and each media file's path, size and modification time; any change re-encodes everything.
 * Encoding dominates the first run (one VQ encoder pass per picture or 4-frame chunk); later runs read
 * the codes in milliseconds. Entries may ask for extra {@link PictureViews} (keyed
 * {@link PictureViews#key}); their count per entry and the seed join the key.
 */
final class TokenCache {
    private static final ObjectMapper JSON = new ObjectMapper();

    private TokenCache() {}

    static Map<String, EncodedVisual> load(Path cacheFile, List<Manifest.Entry> entries, Path vqDir, Emu3VisionVQ vq, VQImageProcessor pre,
                                           long imageArea, Consumer<String> log) throws IOException {
        return load(cacheFile, entries, e -> 0, 0, vqDir, vq, pre, imageArea, log, Progress.NONE);
    }

    /** As above, plus views 1..viewsOf(entry) of each entry, drawn with viewSeed; viewsOf must be 0 for clips. */
    static Map<String, EncodedVisual> load(Path cacheFile, List<Manifest.Entry> entries, ToIntFunction<Manifest.Entry> viewsOf, long viewSeed,
                                           Path vqDir, Emu3VisionVQ vq, VQImageProcessor pre, long imageArea, Consumer<String> log,
                                           Progress progress) throws IOException {
        List<String> wanted = new ArrayList<>();
        for (Manifest.Entry e : entries) for (int k = 0; k <= viewsOf.applyAsInt(e); k++) wanted.add(PictureViews.key(e.id(), k));
        String key = key(entries, viewsOf, viewSeed, vqDir, imageArea);
        if (Files.isRegularFile(cacheFile)) {
            JsonNode root = JSON.readTree(cacheFile.toFile());
            if (key.equals(root.path("key").asText())) {
                Map<String, EncodedVisual> out = new LinkedHashMap<>();
                for (JsonNode e : root.path("entries")) {
                    JsonNode c = e.get("codes");
                    int[] codes = new int[c.size()];
                    for (int i = 0; i < codes.length; i++) codes[i] = c.get(i).asInt();
                    out.put(e.get("id").asText(), new EncodedVisual(codes, e.get("frames").asInt(),
                            new Emu3Processor.GridSize(e.get("h").asInt(), e.get("w").asInt()), e.get("video").asBoolean()));
                }
                if (out.keySet().containsAll(wanted)) {
                    log.accept("read VQ codes of " + out.size() + " items from " + cacheFile);
                    return out;
                }
            }
        }
        Map<String, EncodedVisual> out = new LinkedHashMap<>();
        ObjectNode root = JSON.createObjectNode();
        root.put("key", key);
        ArrayNode arr = root.putArray("entries");
        Batch batch = new Batch(vq, pre, out, arr, wanted.size(), progress);
        for (Manifest.Entry e : entries) {
            if (e.video()) {
                batch.flush();
                batch.put(e.id(), encodeClip(e, vq, pre));
                continue;
            }
            RgbImage picture = VQImages.read(e.file());
            batch.add(e.id(), picture);
            for (int k = 1; k <= viewsOf.applyAsInt(e); k++) batch.add(PictureViews.key(e.id(), k), PictureViews.view(picture, viewSeed, e.id(), k));
        }
        batch.flush();
        MediaFiles.atomically(cacheFile, tmp -> JSON.writeValue(tmp.toFile(), root));
        log.accept("encoded " + out.size() + " pictures and clips with the vision tokenizer; codes cached in " + cacheFile);
        return out;
    }

    /** Told after each encoded picture or clip how many of the total are done. */
    interface Progress {
        Progress NONE = (done, total) -> {};

        void encoded(long done, long total);
    }

    /**
     * Pictures of one size encoded together ({@link Emu3VisionVQ#encodeImages}, equal to one call per
     * picture): the encoder's GEMMs get wide enough for the compute pool, several times faster per
     * picture at 64x64 than single calls. A batch holds at most MAX_BATCH_PIXELS pixels, so large pictures
     * go one at a time instead of multiplying the encoder's activations. Results keep the input order.
     */
    private static final class Batch {
        static final long MAX_BATCH_PIXELS = 32L * 64 * 64;

        private final Emu3VisionVQ vq;
        private final VQImageProcessor pre;
        private final Map<String, EncodedVisual> out;
        private final ArrayNode arr;
        private final long total;
        private final Progress progress;
        private final List<String> ids = new ArrayList<>();
        private final List<Tensor> pixels = new ArrayList<>();

        Batch(Emu3VisionVQ vq, VQImageProcessor pre, Map<String, EncodedVisual> out, ArrayNode arr, long total, Progress progress) {
            this.vq = vq;
            this.pre = pre;
            this.out = out;
            this.arr = arr;
            this.total = total;
            this.progress = progress;
        }

        void add(String id, RgbImage picture) {
            Tensor x = pre.preprocess(picture);                                              // (3, H, W)
            if (!pixels.isEmpty() && !Arrays.equals(pixels.get(0).shape(), x.shape())) flush();
            ids.add(id);
            pixels.add(x);
            if ((long) (pixels.size() + 1) * x.size(1) * x.size(2) > MAX_BATCH_PIXELS) flush();
        }

        void flush() {
            if (pixels.isEmpty()) return;
            Tensor x = Indexing.stack(pixels.toArray(Tensor[]::new), 0);                    // (B, 3, H, W)
            int[] codes = vq.encodeImages(x).toIntArray();                                   // (B, h, w)
            int h = x.size(2) / vq.config().spatialFactor(), w = x.size(3) / vq.config().spatialFactor();
            for (int i = 0; i < ids.size(); i++) {
                put(ids.get(i), new EncodedVisual(Arrays.copyOfRange(codes, i * h * w, (i + 1) * h * w), 1, new Emu3Processor.GridSize(h, w), false));
            }
            ids.clear();
            pixels.clear();
        }

        void put(String id, EncodedVisual v) {
            out.put(id, v);
            write(arr.addObject(), id, v);
            progress.encoded(out.size(), total);
        }
    }

    private static void write(ObjectNode n, String id, EncodedVisual v) {
        n.put("id", id);
        n.put("video", v.video());
        n.put("frames", v.frames());
        n.put("h", v.grid().height());
        n.put("w", v.grid().width());
        ArrayNode codes = n.putArray("codes");
        for (int c : v.codes()) codes.add(c);
    }

    /** A clip keeps its frames up to a multiple of the temporal factor (at least one chunk). */
    private static EncodedVisual encodeClip(Manifest.Entry e, Emu3VisionVQ vq, VQImageProcessor pre) throws IOException {
        List<RgbImage> frames = MediaFiles.readFrames(e.file());
        int tdf = vq.config().temporal_downsample_factor(), usable = frames.size() / tdf * tdf;
        if (usable == 0) throw new IOException(e.file() + ": a video needs at least " + tdf + " frames, it has " + frames.size());
        return Emu3Bundle.encodeVideo(vq, pre, frames.subList(0, usable));
    }

    private static String key(List<Manifest.Entry> entries, ToIntFunction<Manifest.Entry> viewsOf, long viewSeed, Path vqDir, long imageArea) throws IOException {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(Files.readAllBytes(vqDir.resolve("config.json")));
            try (var files = Files.list(vqDir)) {
                for (Path p : files.filter(f -> f.getFileName().toString().endsWith(".safetensors")).sorted().toList()) {
                    md.update((p.getFileName() + ":" + Files.size(p) + ":" + Files.getLastModifiedTime(p).toMillis() + "\n").getBytes(StandardCharsets.UTF_8));
                }
            }
            md.update(("area:" + imageArea + "\n").getBytes(StandardCharsets.UTF_8));
            for (Manifest.Entry e : entries) {
                // No views: the line is what it was before views existed, so older caches stay valid.
                int views = viewsOf.applyAsInt(e);
                md.update((e.id() + ":" + e.file() + ":" + Files.size(e.file()) + ":" + Files.getLastModifiedTime(e.file()).toMillis() + ":" + e.video()
                        + (views == 0 ? "" : ":views=" + views + ":seed=" + viewSeed) + "\n").getBytes(StandardCharsets.UTF_8));
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
