package ai.emu4j.cli;

import ai.emu4j.core.autograd.GradMode;
import ai.emu4j.core.ops.Indexing;
import ai.emu4j.core.tensor.Tensor;
import ai.emu4j.models.vq.Emu3VisionVQ;
import ai.emu4j.models.vq.RgbImage;
import ai.emu4j.models.vq.VQImageProcessor;
import ai.emu4j.models.vq.VQImages;
import ai.emu4j.models.vq.VQVideos;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * What the tokenizer commands share: loading a model folder with its processor, reading media
 * (image, animated GIF or a folder of numbered frames) under pixel and frame budgets, encoding and
 * decoding them, and writing outputs so that a failure leaves nothing at the output path.
 */
final class TokenizerIO {
    private TokenizerIO() {}

    /** Frames read from one input; video when it came from a GIF of 2+ frames or a frame folder. */
    record Media(List<RgbImage> frames, boolean video) {}

    /** A model folder with the processor of its preprocessor_config.json (the hub one when absent). */
    record Model(Emu3VisionVQ vq, VQImageProcessor processor) implements AutoCloseable {
        @Override
        public void close() {
            vq.close();
        }
    }

    interface Writer {
        void write(Path target) throws IOException;
    }

    static Model load(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) throw new IOException(folder + ": not a model folder");
        Path pre = folder.resolve("preprocessor_config.json");
        VQImageProcessor processor = Files.isRegularFile(pre) ? VQImageProcessor.fromJson(pre) : VQImageProcessor.hub();
        return new Model(Emu3VisionVQ.load(folder), processor);
    }

    static Media read(Path in, int maxFrames, long maxPixels) throws IOException {
        try {
            return readUnchecked(in, maxFrames, maxPixels);
        } catch (VQImages.ImageTooLargeException | NoSuchFileException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // Decoders report truncation and corruption without naming the file (some with runtime exceptions).
            String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            throw new IOException(m.contains(in.toString()) ? m : in + ": cannot decode (" + m + ")", e);
        }
    }

    private static Media readUnchecked(Path in, int maxFrames, long maxPixels) throws IOException {
        if (Files.isDirectory(in)) return new Media(VQVideos.readFrames(in, maxFrames, maxPixels), true);
        if (!Files.exists(in)) throw new NoSuchFileException(in.toString());
        if (VQVideos.isGif(in)) {
            List<RgbImage> frames = VQVideos.readGif(in, maxFrames, maxPixels);
            return new Media(frames, frames.size() > 1);
        }
        return new Media(List.of(VQImages.read(in, maxPixels)), false);
    }

    /**
     * Media -> codes: an image gives (1, h, w); a video is resized frame by frame to the first
     * frame's model size and padded to a multiple of 4 frames by repeating its last frame, giving
     * (ceil(T/4), h, w).
     */
    static Tensor encode(Model m, Media media) {
        try (var g = GradMode.noGrad()) {
            if (!media.video()) return m.vq().encode(m.processor().preprocess(media.frames().getFirst()));
            int tdf = m.vq().config().temporal_downsample_factor();
            List<Tensor> frames = new ArrayList<>();
            int[] hw = null;
            for (RgbImage f : media.frames()) {
                Tensor t = m.processor().preprocess(hw == null ? f : resizeTo(f, hw));
                if (hw == null) hw = new int[] {t.size(1), t.size(2)};
                frames.add(t);
            }
            while (frames.size() % tdf != 0) frames.add(frames.getLast());
            return m.vq().encode(Indexing.stack(frames.toArray(Tensor[]::new), 0));
        }
    }

    /** Codes (T', h, w) -> images; (1, h, w) decodes as an image (one frame), else 4 frames per latent frame. */
    static List<RgbImage> decode(Model m, Tensor codes, boolean video) {
        List<RgbImage> out = new ArrayList<>();
        try (var g = GradMode.noGrad()) {
            if (!video) {
                out.add(m.processor().postprocess(m.vq().decodeImage(codes)));
                return out;
            }
            Tensor frames = m.vq().decodeVideo(codes);                // [4T', 3, H, W]
            for (int i = 0; i < frames.size(0); i++) out.add(m.processor().postprocess(frames.select(0, i)));
        }
        return out;
    }

    /** A frame at exactly this (h, w) model size, keeping the processor's resampling. */
    private static RgbImage resizeTo(RgbImage f, int[] hw) {
        VQImageProcessor exact = VQImageProcessor.hub().withPixels((long) hw[0] * hw[1], (long) hw[0] * hw[1]);
        RgbImage r = exact.resize(f);
        if (r.height() != hw[0] || r.width() != hw[1]) {
            throw new IllegalArgumentException("video frames differ in aspect ratio: a frame resizes to " + r.width() + "x" + r.height() + ", the first to " + hw[1] + "x" + hw[0]);
        }
        return r;
    }

    /** Writes frames by the output's extension: .gif animated, .png/.jpg one image, otherwise a folder of frames. */
    static void writeMedia(List<RgbImage> frames, Path out) throws IOException {
        String name = out.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".gif")) {
            atomically(out, t -> VQVideos.writeGif(frames, t, 25));
        } else if (name.endsWith(".png")) {
            if (frames.size() != 1) throw new IllegalArgumentException(frames.size() + " frames cannot be written as one PNG; use .gif or a folder");
            atomically(out, t -> VQImages.writePng(frames.getFirst(), t));
        } else if (name.contains(".")) {
            throw new IllegalArgumentException(out + ": unsupported output type; use .png, .gif or a folder name without extension");
        } else {
            atomically(out, t -> VQVideos.writeFrames(frames, t));
        }
    }

    /**
     * Runs writer on a temporary sibling of target and renames it into place; on any failure the
     * temporary is removed and target is left as it was. An existing folder target is refused.
     */
    static void atomically(Path target, Writer writer) throws IOException {
        Path abs = target.toAbsolutePath();
        if (Files.isDirectory(abs)) throw new IOException(target + ": already exists as a folder; refusing to overwrite");
        Path dir = abs.getParent();
        Files.createDirectories(dir);
        Path tmp = dir.resolve("." + abs.getFileName() + ".tmp-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
        try {
            writer.write(tmp);
            Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            if (Files.exists(tmp)) deleteTree(tmp);
        }
    }

    static void deleteTree(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
