package ai.emu4j.train.vq;

import ai.emu4j.core.ops.Indexing;
import ai.emu4j.core.tensor.Tensor;
import ai.emu4j.core.util.Rng;
import ai.emu4j.models.vq.VQImages;
import ai.emu4j.train.lm.Manifest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The PNG and JPEG files under a folder (recursive, sorted by path so runs are reproducible), each
 * scaled and centre-cropped to size x size and held in memory as [3, size, size] in [-1, 1]: 48 KB
 * per 64x64 image, so 10,000 images cost 480 MB. Every file is decoded under the header pixel budget.
 */
public final class ImageFolder {
    private final List<Tensor> images = new ArrayList<>();

    private ImageFolder(List<Path> files, int size) throws IOException {
        for (Path f : files) images.add(VQImages.toTensor(VQImages.squareCrop(VQImages.read(f), size)));
    }

    public static ImageFolder load(Path dir, int size) throws IOException {
        return new ImageFolder(list(dir), size);
    }

    /**
     * The image entries of dir's manifest.jsonl in the given split (train, val or test), in manifest
     * order, so that a tokenizer is trained and scored on the same items as the language model.
     */
    public static List<Path> list(Path dir, String split) throws IOException {
        if (split == null) return list(dir);
        List<Path> files = Manifest.read(dir).split(split).stream().filter(e -> !e.video()).map(Manifest.Entry::file).toList();
        if (files.isEmpty()) throw new IOException(dir + ": the manifest has no images in split " + split);
        return files;
    }

    /** As {@link #load(Path, int)}, restricted to one manifest split (null: every image under the folder). */
    public static ImageFolder load(Path dir, String split, int size) throws IOException {
        return new ImageFolder(list(dir, split), size);
    }

    /** The .png, .jpg and .jpeg files under dir, recursively, sorted by path; at least one. */
    public static List<Path> list(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) throw new IOException(dir + ": not a folder");
        List<Path> files;
        try (Stream<Path> s = Files.walk(dir)) {
            files = s.filter(Files::isRegularFile).filter(ImageFolder::isImage).sorted().toList();
        }
        if (files.isEmpty()) throw new IOException(dir + ": no .png, .jpg or .jpeg files");
        return files;
    }

    private static boolean isImage(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".png") || n.endsWith(".jpg") || n.endsWith(".jpeg");
    }

    public int size() {
        return images.size();
    }

    /** Images [from, to) as one batch [n, 3, S, S]. */
    public Tensor range(int from, int to) {
        return Indexing.stack(images.subList(from, to).toArray(Tensor[]::new), 0);
    }

    /** {@code batch} images drawn uniformly with replacement from rng: [batch, 3, S, S]. */
    public Tensor sample(Rng rng, int batch) {
        Tensor[] picked = new Tensor[batch];
        for (int i = 0; i < batch; i++) picked[i] = images.get(rng.nextInt(images.size()));
        return Indexing.stack(picked, 0);
    }
}
