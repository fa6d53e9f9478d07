package ai.emu4j.train;

import ai.emu4j.core.tensor.Tensor;
import ai.emu4j.core.util.Rng;

/** Seeded toy classification sets for the training tests. */
final class ToyData {
    private ToyData() {}

    record Set(float[] x, int[] y, int[] sampleShape) {
        int size() {
            return y.length;
        }

        int sampleLength() {
            return x.length / y.length;
        }

        Tensor inputs() {
            return inputs(indices(size()));
        }

        Tensor targets() {
            return Tensor.ofInts(y.clone());
        }

        /** Rows idx as a batch (B, *sampleShape). */
        Tensor inputs(int[] idx) {
            int len = sampleLength();
            float[] out = new float[idx.length * len];
            for (int i = 0; i < idx.length; i++) System.arraycopy(x, idx[i] * len, out, i * len, len);
            int[] shape = new int[sampleShape.length + 1];
            shape[0] = idx.length;
            System.arraycopy(sampleShape, 0, shape, 1, sampleShape.length);
            return Tensor.of(out, shape);
        }

        Tensor targets(int[] idx) {
            int[] out = new int[idx.length];
            for (int i = 0; i < idx.length; i++) out[i] = y[idx[i]];
            return Tensor.ofInts(out);
        }
    }

    static int[] indices(int n) {
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) idx[i] = i;
        return idx;
    }

    /** Indices of a batch drawn with replacement from rng: the data order a checkpoint must reproduce. */
    static int[] sample(Rng rng, int n, int batch) {
        int[] idx = new int[batch];
        for (int i = 0; i < batch; i++) idx[i] = rng.nextInt(n);
        return idx;
    }

    /** The classic interleaved spirals in 2-d: classes arms of one spiral, radius 0..1, angle noise 0.2 rad. */
    static Set spirals(int classes, int perClass, long seed) {
        Rng rng = new Rng(seed);
        float[] x = new float[classes * perClass * 2];
        int[] y = new int[classes * perClass];
        for (int c = 0; c < classes; c++) {
            for (int i = 0; i < perClass; i++) {
                int k = c * perClass + i;
                double r = (double) i / perClass;
                double t = c * 4.0 + 4.0 * r + 0.2 * rng.nextGaussian();
                x[2 * k] = (float) (r * Math.sin(t));
                x[2 * k + 1] = (float) (r * Math.cos(t));
                y[k] = c;
            }
        }
        return new Set(x, y, new int[] {2});
    }

    /**
     * 8x8 single-channel images in three classes: 0 a horizontal bar (one full row), 1 a vertical bar
     * (one full column), 2 four isolated dots, all at random places, plus N(0, 0.1) noise.
     */
    static Set bars(int perClass, long seed) {
        Rng rng = new Rng(seed);
        int n = 3 * perClass;
        float[] x = new float[n * 64];
        int[] y = new int[n];
        for (int k = 0; k < n; k++) {
            int c = k % 3, o = k * 64;
            y[k] = c;
            int pos = rng.nextInt(8);
            switch (c) {
                case 0 -> { for (int j = 0; j < 8; j++) x[o + pos * 8 + j] = 1; }
                case 1 -> { for (int i = 0; i < 8; i++) x[o + i * 8 + pos] = 1; }
                default -> {
                    for (int d = 0; d < 4; d++) x[o + rng.nextInt(4) * 16 + rng.nextInt(4) * 2 + d % 2 * 9] = 1;
                }
            }
            for (int i = 0; i < 64; i++) x[o + i] += 0.1f * rng.nextGaussian();
        }
        return new Set(x, y, new int[] {1, 8, 8});
    }
}
