package ai.emu4j.eval;

import ai.emu4j.models.vq.RgbImage;
import ai.emu4j.models.vq.VQImages;
import java.util.ArrayList;
import java.util.List;

/**
 * The pixel-space nearest-neighbour baseline of image to text: labelled pictures, each compared as its
 * {@value #SIZE}x{@value #SIZE} RGB thumbnail (Pillow bicubic, antialiased; 64x64 emoji lose little) by
 * squared L2 distance. Cost per query: 3 * SIZE^2 multiply-adds per labelled picture.
 */
public final class PixelNeighbours {
    static final int SIZE = 32;
    private final List<String> labels = new ArrayList<>();
    private final List<float[]> features = new ArrayList<>();

    public void add(RgbImage image, String label) {
        labels.add(label);
        features.add(features(image));
    }

    /** For each distinct label, the distance of its nearest picture to the query (Infinity for a label with none). */
    public double[] distances(RgbImage query, List<String> candidates) {
        float[] q = features(query);
        java.util.Map<String, Integer> at = new java.util.HashMap<>();
        for (int i = 0; i < candidates.size(); i++) at.put(candidates.get(i), i);
        double[] best = new double[candidates.size()];
        java.util.Arrays.fill(best, Double.POSITIVE_INFINITY);
        for (int i = 0; i < features.size(); i++) {
            Integer c = at.get(labels.get(i));
            if (c != null) best[c] = Math.min(best[c], distance(q, features.get(i)));
        }
        return best;
    }

    /** The label of the nearest picture (ties: the one added first). */
    public String nearest(RgbImage query) {
        float[] q = features(query);
        int best = -1;
        double bestD = Double.POSITIVE_INFINITY;
        for (int i = 0; i < features.size(); i++) {
            double d = distance(q, features.get(i));
            if (d < bestD) {
                bestD = d;
                best = i;
            }
        }
        if (best < 0) throw new IllegalStateException("no labelled pictures");
        return labels.get(best);
    }

    private static float[] features(RgbImage image) {
        byte[] px = VQImages.resize(image, SIZE, SIZE).rgb();
        float[] f = new float[px.length];
        for (int i = 0; i < f.length; i++) f[i] = (px[i] & 0xff) / 255f;
        return f;
    }

    private static double distance(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            float d = a[i] - b[i];
            s += d * d;
        }
        return s;
    }
}
