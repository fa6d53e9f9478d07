package ai.emu4j.core.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Softmax and log-sum-exp over a contiguous run of floats on the Vector API. The scalar loops they
 * replace called Math.exp per element: at the demo's training shape the attention softmax alone is some
 * 85 million exponentials a step, and took 6 % of a JFR profile. exp is {@link Activations#exp}, sums go
 * through {@link LaneSum}, and tails use the same arithmetic in scalar code, so a result depends on
 * neither the JIT's mood nor where the run starts. Sums are float (the scalar code summed in double):
 * about 1e-7 relative per term over a few thousand terms, inside every tolerance softmax is held to.
 */
public final class SoftmaxRows {
    private static final VectorSpecies<Float> S = VectorWidth.SPECIES;
    /**
     * Shorter runs take the scalar loops (same exp; sequential sum). Decoding calls this for every head
     * and layer on rows of a few dozen keys, tens of thousands of times per generation, and with the
     * vector path there decoding ran 3-4x slower end to end (bench lm decode 244 -> 85 tok/s at the commit
     * that introduced it; 72 -> 267 with this threshold, BENCHMARKS.md). Why the short calls cost that
     * much (late or missing C2 compilation of the vector code is the suspect) was not established.
     */
    static final int MIN_VECTOR_RUN = 256;

    private SoftmaxRows() {}

    /**
     * out[base .. base+n) = softmax of in[base .. base+n). A run of -Infinity (nothing visible) gives
     * zeros; a NaN anywhere gives NaN throughout, as the plain formula does.
     */
    public static void softmax(float[] in, float[] out, int base, int n) {
        float max = max(in, base, n);
        if (max == Float.NEGATIVE_INFINITY) max = 0;
        float sum = expSum(in, out, base, n, max);
        if (sum > 0) scale(out, base, n, 1 / sum);
    }

    /** log(sum exp(in[base .. base+n))), shifted by the maximum; -Infinity for a run of -Infinity. */
    public static float logSumExp(float[] in, int base, int n) {
        float max = max(in, base, n);
        if (max == Float.NEGATIVE_INFINITY) return max;
        return max + (float) Math.log(expSum(in, null, base, n, max));
    }

    static float max(float[] in, int base, int n) {
        int k = 0;
        float max = Float.NEGATIVE_INFINITY;
        if (VectorWidth.BITS > 0 && n >= MIN_VECTOR_RUN) {
            FloatVector m = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
            for (int bound = S.loopBound(n); k < bound; k += S.length()) m = m.max(FloatVector.fromArray(S, in, base + k));
            max = m.reduceLanes(VectorOperators.MAX);
        }
        for (; k < n; k++) max = Math.max(max, in[base + k]);
        return max;
    }

    /** Sum of exp(in - max) over the run, also written to out when out is not null. */
    private static float expSum(float[] in, float[] out, int base, int n, float max) {
        int k = 0;
        float sum = 0;
        if (VectorWidth.BITS > 0 && n >= MIN_VECTOR_RUN) {
            FloatVector acc = FloatVector.zero(S);
            for (int bound = S.loopBound(n); k < bound; k += S.length()) {
                FloatVector e = Activations.exp(FloatVector.fromArray(S, in, base + k).sub(max));
                if (out != null) e.intoArray(out, base + k);
                acc = acc.add(e);
            }
            sum = LaneSum.sum(acc);
        }
        for (; k < n; k++) {
            float e = Activations.expScalar(in[base + k] - max);
            if (out != null) out[base + k] = e;
            sum += e;
        }
        return sum;
    }

    private static void scale(float[] out, int base, int n, float by) {
        int k = 0;
        if (VectorWidth.BITS > 0 && n >= MIN_VECTOR_RUN) {
            for (int bound = S.loopBound(n); k < bound; k += S.length()) FloatVector.fromArray(S, out, base + k).mul(by).intoArray(out, base + k);
        }
        for (; k < n; k++) out[base + k] *= by;
    }
}
