package ai.emu4j.data.judge;

import ai.emu4j.data.DataException;
import ai.emu4j.data.Images;
import ai.emu4j.data.Manifest;
import ai.emu4j.data.ManifestEntry;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Nearest-neighbour retrieval over a whole emoji dataset, in a fixed feature space: the picture over white,
 * box-averaged to 16x16 RGB (768 values in [0, 1]), squared L2 distance. No learned features, so it cannot
 * share a model's biases; coarse enough that noise and slight blur barely move a picture. Cost: building
 * reads every PNG (about 2 s for 3,800 images); a query is 768 multiply-adds per dataset image.
 */
public final class EmojiIndex {
    public static final int GRID = 16;
    private final List<ManifestEntry> entries;
    private final float[][] features;

    private EmojiIndex(List<ManifestEntry> entries, float[][] features) {
        this.entries = entries;
        this.features = features;
    }

    public static EmojiIndex build(Path datasetDir) throws IOException {
        return build(datasetDir, e -> true);
    }

    /** Only the images that keep accepts: the emoji part of a mixed folder, whose other images are no emoji. */
    public static EmojiIndex build(Path datasetDir, Predicate<ManifestEntry> keep) throws IOException {
        List<ManifestEntry> entries = Manifest.read(datasetDir).stream().filter(e -> e.kind().equals(ManifestEntry.IMAGE) && keep.test(e)).toList();
        if (entries.isEmpty()) throw new DataException("no images in " + datasetDir.resolve(Manifest.FILE));
        float[][] f = new float[entries.size()][];
        for (int i = 0; i < f.length; i++) f[i] = features(Images.readRgb(datasetDir.resolve(entries.get(i).file())));
        return new EmojiIndex(entries, f);
    }

    public int size() {
        return entries.size();
    }

    /** The k nearest dataset entries, nearest first; ties go to the earlier manifest line. */
    public List<EmojiHit> topK(BufferedImage picture, int k) {
        float[] q = features(picture);
        int n = Math.min(k, features.length);
        int[] best = new int[n];
        double[] bestD = new double[n];
        int filled = 0;
        for (int i = 0; i < features.length; i++) {
            double d = distance(q, features[i]);
            if (filled == n && d >= bestD[n - 1]) continue;
            int j = filled < n ? filled++ : n - 1;
            while (j > 0 && bestD[j - 1] > d) {
                best[j] = best[j - 1];
                bestD[j] = bestD[j - 1];
                j--;
            }
            best[j] = i;
            bestD[j] = d;
        }
        List<EmojiHit> hits = new ArrayList<>(filled);
        for (int j = 0; j < filled; j++) {
            ManifestEntry e = entries.get(best[j]);
            hits.add(new EmojiHit(e.id(), String.valueOf(e.attributes().get("unified")), String.valueOf(e.attributes().get("style")), bestD[j]));
        }
        return hits;
    }

    /**
     * 1-based rank of the nearest entry that matches expected (an entry id such as "emoji-noto-1f600", or a
     * unified code such as "1f600", which matches either style): one plus the number of entries strictly
     * closer, so exact ties count in the expected entry's favour. That matters: upstream ships identical
     * pictures for some emoji (about 1.2%: family variants, flags such as ES and EA). 0 if nothing matches.
     */
    public int rank(BufferedImage picture, String expected) {
        String want = expected.strip().toLowerCase(java.util.Locale.ROOT);
        float[] q = features(picture);
        double[] d = new double[features.length];
        double best = Double.POSITIVE_INFINITY;
        for (int i = 0; i < d.length; i++) {
            d[i] = distance(q, features[i]);
            ManifestEntry e = entries.get(i);
            if (e.id().equals(want) || want.equals(e.attributes().get("unified"))) best = Math.min(best, d[i]);
        }
        if (best == Double.POSITIVE_INFINITY) return 0;
        int closer = 0;
        for (double v : d) if (v < best) closer++;
        return closer + 1;
    }

    /** The unified code of the dataset entry with exactly this caption (text-to-image eval), or null. */
    public String unifiedOfCaption(String caption) {
        for (ManifestEntry e : entries) if (e.caption().equals(caption)) return String.valueOf(e.attributes().get("unified"));
        return null;
    }

    static double distance(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            double d = a[i] - b[i];
            s += d * d;
        }
        return s;
    }

    /** Box average to GRID x GRID of an RGB picture of any size >= GRID (area-weighted by source pixel). */
    public static float[] features(BufferedImage img) {
        int w = img.getWidth(), h = img.getHeight();
        if (w < GRID || h < GRID) throw new DataException("picture is " + w + "x" + h + ", smaller than " + GRID + "x" + GRID);
        double[] sum = new double[GRID * GRID * 3];
        int[] cnt = new int[GRID * GRID];
        for (int y = 0; y < h; y++) {
            int gy = y * GRID / h;
            for (int x = 0; x < w; x++) {
                int c = img.getRGB(x, y);
                int cell = gy * GRID + x * GRID / w;
                cnt[cell]++;
                sum[cell * 3] += (c >> 16) & 0xff;
                sum[cell * 3 + 1] += (c >> 8) & 0xff;
                sum[cell * 3 + 2] += c & 0xff;
            }
        }
        float[] f = new float[sum.length];
        for (int i = 0; i < f.length; i++) f[i] = (float) (sum[i] / cnt[i / 3] / 255.0);
        return f;
    }
}
