package ai.emu4j.models.nn;

import ai.emu4j.core.ops.Elementwise;
import ai.emu4j.core.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A layer or model in the PyTorch nn.Module mould: parameters and sub-modules are registered by name
 * in insertion order, so {@link #parameters()} yields PyTorch's dotted names ("net.0.weight") and a
 * state dict written by PyTorch loads by name. Registration order is also initialisation order, which
 * keeps a seeded init reproducible.
 */
public abstract class Module {
    private final Map<String, Tensor> params = new LinkedHashMap<>();
    private final Map<String, Module> children = new LinkedHashMap<>();
    private boolean training = true;

    public abstract Tensor forward(Tensor x);

    /** Marks t as trainable and records it under name. */
    protected final Tensor registerParameter(String name, Tensor t) {
        checkName(name);
        params.put(name, t.requiresGrad(true));
        return t;
    }

    protected final <M extends Module> M registerModule(String name, M module) {
        checkName(name);
        children.put(name, module);
        return module;
    }

    private void checkName(String name) {
        if (name.isEmpty() || name.contains(".")) throw new IllegalArgumentException("module member name must be non-empty without dots: \"" + name + "\"");
        if (params.containsKey(name) || children.containsKey(name)) throw new IllegalArgumentException("duplicate module member \"" + name + "\"");
    }

    public final Map<String, Module> children() {
        return Collections.unmodifiableMap(children);
    }

    /**
     * Trainable tensors by dotted name, depth first in registration order. A tensor shared by two
     * modules (tied weights) appears once, under its first name, as in torch named_parameters(), so an
     * optimizer never updates it twice.
     */
    public final LinkedHashMap<String, Tensor> parameters() {
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        Map<Tensor, Boolean> seen = new IdentityHashMap<>();
        collect("", out, seen);
        return out;
    }

    /** Every name to its tensor (shared tensors under each name, as torch state_dict()); same storage, no graph. */
    public final LinkedHashMap<String, Tensor> stateDict() {
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        collect("", out, null);
        out.replaceAll((k, t) -> t.detach());
        return out;
    }

    private void collect(String prefix, Map<String, Tensor> out, Map<Tensor, Boolean> seen) {
        params.forEach((n, t) -> {
            if (seen == null || seen.put(t, Boolean.TRUE) == null) out.put(prefix + n, t);
        });
        children.forEach((n, m) -> m.collect(prefix + n + ".", out, seen));
    }

    public final long parameterCount() {
        long n = 0;
        for (Tensor t : parameters().values()) n += t.numel();
        return n;
    }

    /**
     * Copies values by name into this module's tensors (in place, so optimizers and tied modules keep
     * their references). Strict: any missing, unexpected or mis-shaped name fails before anything is
     * copied, listing all of them. Sources may be F16/BF16 or mapped; they are converted to F32.
     */
    public final void loadStateDict(Map<String, Tensor> state) {
        LinkedHashMap<String, Tensor> own = stateDict();
        List<String> problems = new ArrayList<>();
        own.forEach((name, t) -> {
            Tensor src = state.get(name);
            if (src == null) problems.add("missing \"" + name + "\"");
            else if (!Arrays.equals(src.shape(), t.shape())) problems.add("\"" + name + "\" has shape " + Arrays.toString(src.shape()) + ", module expects " + Arrays.toString(t.shape()));
        });
        for (String name : state.keySet()) if (!own.containsKey(name)) problems.add("unexpected \"" + name + "\"");
        if (!problems.isEmpty()) throw new IllegalArgumentException("loadStateDict: " + String.join("; ", problems));
        own.forEach((name, t) -> Elementwise.copyInto(state.get(name), t));
    }

    public final void zeroGrad() {
        for (Tensor t : parameters().values()) t.zeroGrad();
    }

    /** Sets training mode here and in every sub-module (dropout is active only in training). */
    public final Module train(boolean on) {
        training = on;
        for (Module m : children.values()) m.train(on);
        return this;
    }

    public final Module eval() {
        return train(false);
    }

    public final boolean isTraining() {
        return training;
    }
}
