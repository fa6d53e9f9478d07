package ai.emu4j.models.vq;

import ai.emu4j.core.io.ModelWeights;
import ai.emu4j.core.io.TensorEntry;
import ai.emu4j.core.tensor.DType;
import ai.emu4j.core.tensor.Tensor;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Hands the model builder its weights by ORIGINAL Emu3 name and expected shape, and collects every
 * problem instead of stopping at the first, so one load attempt lists all missing, extra and
 * mis-shaped tensors ({@link #finish()}).
 * <p>
 * F32 tensors are zero-copy views of the mapped file (no heap; each op that reads one copies it
 * into a transient array, which costs far less than the op). F16/BF16 tensors are converted once to
 * F32 on the heap, because converting element by element inside every op would be slow.
 * {@code *.num_batches_tracked} (an int64 BatchNorm counter that inference never reads) is ignored.
 */
final class Params {
    private final String source;
    private final ModelWeights weights;
    /** Original name -> entry in the file; null in shapes-only mode. */
    private final Map<String, TensorEntry> byOriginal;
    private final boolean hfLayout;
    private final Set<String> taken = new TreeSet<>();
    private final Map<String, int[]> requested = new LinkedHashMap<>();
    private final List<String> problems = new ArrayList<>();
    /** Set by {@link #fromTensors}: tensors to hand out instead of reading a file. */
    private Map<String, Tensor> inMemory;

    private Params(String source, ModelWeights weights, Map<String, TensorEntry> byOriginal, boolean hfLayout) {
        this.source = source;
        this.weights = weights;
        this.byOriginal = byOriginal;
        this.hfLayout = hfLayout;
    }

    /**
     * Binds from a checkpoint. Names under {@code prefix} are used with the prefix removed and all others
     * are ignored (e.g. prefix "model.vqmodel." for a full Emu3-*-hf checkpoint that also holds the
     * language model); with an empty prefix every tensor must belong to the tokenizer.
     */
    static Params from(ModelWeights weights, String prefix) throws VQLoadException {
        Map<String, TensorEntry> byOriginal = new LinkedHashMap<>();
        boolean hf = false;
        for (TensorEntry e : weights.entries()) {
            if (e.name().startsWith(prefix) && HfNames.isHfName(e.name().substring(prefix.length()))) hf = true;
        }
        List<String> problems = new ArrayList<>();
        for (TensorEntry e : weights.entries()) {
            if (!e.name().startsWith(prefix) || e.name().endsWith(".num_batches_tracked")) continue;
            String local = e.name().substring(prefix.length());
            String original = hf ? HfNames.toOriginal(local) : local;
            TensorEntry clash = byOriginal.put(original, e);
            if (clash != null) problems.add("tensors " + clash.name() + " and " + e.name() + " both map to " + original);
        }
        String source = weights.source().toString();
        if (!problems.isEmpty()) throw new VQLoadException(source, problems);
        return new Params(source, weights, byOriginal, hf);
    }

    /**
     * Binds from tensors held in memory under their original names (a model being trained); the
     * tensors are used as given, so gradients recorded through the model reach them.
     */
    static Params fromTensors(Map<String, Tensor> tensors) {
        Map<String, TensorEntry> none = new LinkedHashMap<>();
        Params p = new Params("(in memory)", null, none, false);
        p.inMemory = tensors;
        return p;
    }

    /** No file: every request gets a zero-memory placeholder; used to list the parameter names and shapes. */
    static Params shapesOnly() {
        return new Params("(shapes only)", null, null, false);
    }

    /** The tensor named {@code name} (original layout) with exactly this shape. */
    Tensor take(String name, int... shape) {
        if (requested.put(name, shape.clone()) != null) throw new IllegalStateException("parameter " + name + " requested twice");
        if (inMemory != null) return fromMemory(name, shape);
        if (byOriginal == null) return placeholder(shape);
        TensorEntry e = byOriginal.get(name);
        if (e == null) {
            problems.add("missing tensor " + name + " (expected shape " + Arrays.toString(shape) + ")");
            return placeholder(shape);
        }
        taken.add(name);
        // The port stores attention projections as Linear [C, C]; the original as Conv2d [C, C, 1, 1].
        int[] fileShape = hfLayout && HfNames.isProjectionWeight(name) ? new int[] {shape[0], shape[1]} : shape;
        if (!Arrays.equals(e.shape(), Arrays.stream(fileShape).asLongStream().toArray())) {
            problems.add("tensor " + e.name() + " has shape " + Arrays.toString(e.shape()) + " in the file, expected "
                    + Arrays.toString(fileShape) + (e.name().equals(name) ? "" : " (as " + name + ")"));
            return placeholder(shape);
        }
        if (e.dtype() != DType.F32 && e.dtype() != DType.F16 && e.dtype() != DType.BF16) {
            problems.add("tensor " + e.name() + " has dtype " + e.dtypeName() + ", expected F32, F16 or BF16");
            return placeholder(shape);
        }
        try {
            Tensor mapped = Tensor.fromSegment(weights.data(e.name()), e.dtype(), fileShape);
            Tensor f32 = e.dtype() == DType.F32 ? mapped : Tensor.of(mapped.toFloatArray(), fileShape);
            return f32.reshape(shape);
        } catch (IOException ex) {
            problems.add("tensor " + e.name() + " could not be read: " + ex.getMessage());
            return placeholder(shape);
        }
    }

    private Tensor fromMemory(String name, int[] shape) {
        Tensor t = inMemory.get(name);
        if (t == null || !Arrays.equals(t.shape(), shape)) {
            problems.add("tensor " + name + (t == null ? " missing" : " has shape " + Arrays.toString(t.shape())) + ", expected " + Arrays.toString(shape));
            return placeholder(shape);
        }
        taken.add(name);
        return t;
    }

    /** Throws when anything was missing, mis-shaped or left over. */
    void finish() throws VQLoadException {
        if (inMemory != null) {
            for (String name : inMemory.keySet()) if (!taken.contains(name)) problems.add("unexpected tensor " + name);
        }
        if (byOriginal != null) {
            for (Map.Entry<String, TensorEntry> e : byOriginal.entrySet()) {
                if (!taken.contains(e.getKey()) && !requested.containsKey(e.getKey())) {
                    TensorEntry t = e.getValue();
                    problems.add("unexpected tensor " + t.name() + " " + Arrays.toString(t.shape())
                            + (t.name().equals(e.getKey()) ? "" : " (as " + e.getKey() + ")") + " is not part of this config");
                }
            }
        }
        if (!problems.isEmpty()) throw new VQLoadException(source, problems);
    }

    /** Every requested name with its shape, in build order. */
    Map<String, int[]> requested() {
        return requested;
    }

    /** All zeros, one float of memory: a size-1 tensor expanded with stride 0. */
    private static Tensor placeholder(int[] shape) {
        int[] ones = new int[shape.length];
        Arrays.fill(ones, 1);
        return Tensor.zeros(ones).expand(shape);
    }
}
