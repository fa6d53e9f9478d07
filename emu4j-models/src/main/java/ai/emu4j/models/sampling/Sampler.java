package ai.emu4j.models.sampling;

import ai.emu4j.core.util.Rng;

import java.util.Arrays;

/**
 * Picks the next token from scores in the order Hugging Face applies them: temperature, top-k, top-p,
 * softmax, multinomial draw. Temperature 0 means greedy. The same seed gives the same choices on every
 * machine: all arithmetic here is sequential.
 */
public final class Sampler {
    private final float temperature;
    private final int topK;
    private final float topP;
    private final Rng rng;

    public Sampler(float temperature, int topK, float topP, long seed) {
        if (!(temperature >= 0) || Float.isInfinite(temperature)) throw new IllegalArgumentException("temperature must be >= 0, got " + temperature);
        if (topK < 0) throw new IllegalArgumentException("top-k must be >= 0 (0 = off), got " + topK);
        if (!(topP > 0 && topP <= 1)) throw new IllegalArgumentException("top-p must be in (0, 1], got " + topP);
        this.temperature = temperature;
        this.topK = topK;
        this.topP = topP;
        this.rng = new Rng(seed);
    }

    /** Index into scores (e.g. logits or log-probs; -inf = forbidden). Scores are not modified. */
    public int sample(float[] scores) {
        int n = scores.length;
        if (temperature == 0) return argmax(scores);
        float[] s = new float[n];
        for (int i = 0; i < n; i++) s[i] = scores[i] / temperature;
        if (topK > 0 && topK < n) {
            float kth = kthLargest(s, topK);
            for (int i = 0; i < n; i++) if (s[i] < kth) s[i] = Float.NEGATIVE_INFINITY;
        }
        double max = Double.NEGATIVE_INFINITY;
        for (float v : s) max = Math.max(max, v);
        if (max == Double.NEGATIVE_INFINITY) throw new IllegalStateException("every token is masked");
        double[] p = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            p[i] = s[i] == Float.NEGATIVE_INFINITY ? 0 : Math.exp(s[i] - max);
            sum += p[i];
        }
        for (int i = 0; i < n; i++) p[i] /= sum;
        if (topP < 1) nucleus(p);
        double u = rng.nextDouble(), acc = 0;
        int last = -1;
        for (int i = 0; i < n; i++) {
            if (p[i] == 0) continue;
            acc += p[i];
            last = i;
            if (u < acc) return i;
        }
        return last;
    }

    /** Keeps the smallest set of most likely tokens whose mass reaches top-p (at least one), renormalised. */
    private void nucleus(double[] p) {
        Integer[] order = new Integer[p.length];
        for (int i = 0; i < order.length; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> Double.compare(p[b], p[a]));
        double acc = 0, kept = 0;
        boolean cut = false;
        for (Integer i : order) {
            if (cut) {
                p[i] = 0;
                continue;
            }
            acc += p[i];
            kept += p[i];
            if (acc >= topP) cut = true;
        }
        for (int i = 0; i < p.length; i++) p[i] /= kept;
    }

    public static int argmax(float[] s) {
        int best = 0;
        for (int i = 1; i < s.length; i++) if (s[i] > s[best]) best = i;
        return best;
    }

    /** The k-th largest value (quickselect on a copy; O(n) expected). */
    static float kthLargest(float[] s, int k) {
        float[] a = s.clone();
        int lo = 0, hi = a.length - 1, target = k - 1;
        while (lo < hi) {
            float pivot = a[(lo + hi) >>> 1];
            int i = lo, j = hi;
            while (i <= j) {
                while (a[i] > pivot) i++;
                while (a[j] < pivot) j--;
                if (i <= j) {
                    float t = a[i];
                    a[i++] = a[j];
                    a[j--] = t;
                }
            }
            if (target <= j) hi = j;
            else if (target >= i) lo = i;
            else return a[target];
        }
        return a[target];
    }
}
