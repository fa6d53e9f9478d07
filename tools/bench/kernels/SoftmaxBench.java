import ai.emu4j.core.tensor.Tensor;
import ai.emu4j.core.ops.Softmax;
import java.util.*;

/** Attention causal softmax (48 x 768 x 768) and the loss's log-softmax (6144 x 3328), forward, medians. */
public class SoftmaxBench {
    static double time(Runnable r, int reps) {
        double[] t = new double[reps];
        for (int i = 0; i < reps + 2; i++) { long t0 = System.nanoTime(); r.run(); if (i >= 2) t[i - 2] = (System.nanoTime() - t0) / 1e6; }
        Arrays.sort(t); return t[reps / 2];
    }
    public static void main(String[] a) {
        Random r = new Random(1);
        float[] att = new float[48 * 768 * 768], logits = new float[6144 * 3328];
        for (int i = 0; i < att.length; i++) att[i] = (float) r.nextGaussian() * 3;
        for (int i = 0; i < logits.length; i++) logits[i] = (float) r.nextGaussian() * 3;
        Tensor x = Tensor.of(att, 48, 768, 768), l = Tensor.of(logits, 6144, 3328);
        System.out.printf(Locale.ROOT, "causal softmax %.1f ms, log-softmax %.1f ms%n", time(() -> Softmax.causal(x, 0), 7), time(() -> Softmax.logSoftmax(l, 1), 7));
    }
}
