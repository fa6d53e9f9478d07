package ai.emu4j.train;

import ai.emu4j.core.tensor.Storage;
import ai.emu4j.core.tensor.Tensor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Shared bookkeeping for the optimizers: per-parameter state slots, validated loading. */
final class OptimizerState {
    private OptimizerState() {}

    static LinkedHashMap<String, Tensor> checkParams(Map<String, Tensor> params) {
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        params.forEach((name, p) -> {
            if (!p.requiresGrad()) throw new IllegalArgumentException("parameter \"" + name + "\" does not require grad");
            dense(p, "parameter \"" + name + "\"");
            out.put(name, p);
        });
        return out;
    }

    /** The grad array of p, or null when p got no gradient this step. */
    static float[] grad(Tensor p) {
        Tensor g = p.grad();
        return g == null ? null : dense(g, "gradient");
    }

    /**
     * t's backing array, which in-place updates write through. A view (offset, strides or a larger
     * array) would make dataF32() return a copy and the update would vanish silently, so it is refused.
     */
    static float[] dense(Tensor t, String what) {
        if (t.storage() instanceof Storage.Heap h && t.offset() == 0 && t.isContiguous() && h.data().length == t.numel()) return h.data();
        throw new IllegalArgumentException(what + " must be a dense F32 heap tensor to be updated in place, got " + t);
    }

    /**
     * Validates arrays/counters against the parameters: every key must be "param.slot" for a known
     * param and slot, and every array as long as its parameter. Throws listing all problems.
     */
    static void validate(Map<String, Tensor> params, Map<String, float[]> arrays, Set<String> arraySlots,
                         Map<String, Long> counters, Set<String> counterSlots) {
        List<String> problems = new ArrayList<>();
        arrays.forEach((key, a) -> {
            Tensor p = owner(params, key, arraySlots);
            if (p == null) problems.add("unexpected state array \"" + key + "\"");
            else if (a.length != p.numel()) problems.add("state array \"" + key + "\" has " + a.length + " values, parameter has " + p.numel());
        });
        counters.forEach((key, c) -> {
            if (owner(params, key, counterSlots) == null) problems.add("unexpected state counter \"" + key + "\"");
            else if (c < 0) problems.add("state counter \"" + key + "\" is negative: " + c);
        });
        if (!problems.isEmpty()) throw new IllegalArgumentException("optimizer state: " + String.join("; ", problems));
    }

    private static Tensor owner(Map<String, Tensor> params, String key, Set<String> slots) {
        int dot = key.lastIndexOf('.');
        if (dot < 0 || !slots.contains(key.substring(dot + 1))) return null;
        return params.get(key.substring(0, dot));
    }
}
