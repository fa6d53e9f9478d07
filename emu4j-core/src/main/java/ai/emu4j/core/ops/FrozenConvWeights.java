package ai.emu4j.core.ops;

import ai.emu4j.core.kernels.Conv;
import ai.emu4j.core.tensor.Storage;
import ai.emu4j.core.tensor.Tensor;

import java.util.Map;
import java.util.WeakHashMap;

/**
 * Conv weights that live in a read-only mapping (a loaded model file) cannot change, so their F32 copy
 * and Winograd transforms are kept per weight tensor instead of being rebuilt on every call (copy and
 * transform were about a sixth of the JFR samples of `bench tokenizer`; measured together with SIMD SiLU, keeping them moved
 * its ratio from 0.60x to 0.61x, within noise, as the transforms of the activations dominated then). An entry lives as long as
 * its tensor (weak keys; the entry does not refer back to it).
 * <p>
 * Cost: the copy plus up to 4x the weights for F(4,3)'s transform, held while the model is loaded. The
 * total is capped by {@code -Demu4j.convWeightCacheMiB} (default: an eighth of the maximum heap, at most
 * 1024 MiB, so the activations of a large decode keep their room; 0 turns caching off); past the cap
 * further weights are converted per call as before.
 */
final class FrozenConvWeights {
    private static final long BUDGET_FLOATS = Long.getLong("emu4j.convWeightCacheMiB",
            Math.min(1024L, Runtime.getRuntime().maxMemory() / 8 >> 20)) * (1L << 20) / Float.BYTES;
    /** Transforms are up to 4x the weights (F(4,3): 36 values per 9). */
    private static final int TRANSFORM_FACTOR = 4;
    private static final Map<Tensor, Conv.FrozenWeights> CACHE = new WeakHashMap<>();

    private FrozenConvWeights() {}

    /** The frozen form of w, or null when w may change (heap, writable or grad-tracked) or the cap is reached. */
    static Conv.FrozenWeights of(Tensor w) {
        if (BUDGET_FLOATS <= 0 || w.requiresGrad() || !(w.storage() instanceof Storage.Segment s) || !s.segment().isReadOnly()) return null;
        synchronized (CACHE) {
            Conv.FrozenWeights f = CACHE.get(w);
            if (f != null) return f;
            long used = 0;
            for (Conv.FrozenWeights e : CACHE.values()) used += e.floats();
            if (used + (1L + TRANSFORM_FACTOR) * w.numel() > BUDGET_FLOATS) return null;
            f = new Conv.FrozenWeights(w.toFloatArray());
            CACHE.put(w, f);
            return f;
        }
    }
}
