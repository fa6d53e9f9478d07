package ai.emu4j.models.io;

import ai.emu4j.core.io.ModelWeights;
import ai.emu4j.core.io.TensorEntry;
import ai.emu4j.core.tensor.Tensor;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Binds a checkpoint's tensors to the names and shapes a model expects. Tensors stay zero-copy views
 * of the mapped files. Every mismatch is reported at once, by name, so a wrong checkpoint fails with
 * one message that says what is wrong rather than with an index error deep in a forward pass.
 */
public final class WeightBinder {
    private WeightBinder() {}

    /**
     * @param expected name -> shape the model needs
     * @param rename   maps a file's tensor name to the model's name (identity for native layouts)
     * @param ignore   file tensors to skip silently (e.g. BatchNorm's num_batches_tracked)
     */
    public static Map<String, Tensor> bind(ModelWeights file, Map<String, int[]> expected,
                                           Function<String, String> rename, Predicate<String> ignore) throws IOException {
        Map<String, Tensor> out = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (TensorEntry e : file.entries()) {
            if (ignore.test(e.name())) continue;
            String name = rename.apply(e.name());
            int[] want = expected.get(name);
            if (want == null) {
                problems.add("unexpected tensor '" + e.name() + "'");
                continue;
            }
            if (out.containsKey(name)) {
                problems.add("two tensors map to '" + name + "'");
                continue;
            }
            long[] have = e.shape();
            if (!sameShape(have, want)) {
                problems.add("tensor '" + e.name() + "' has shape " + Arrays.toString(have) + ", expected " + Arrays.toString(want));
                continue;
            }
            if (e.dtype() == null || !e.dtype().isFloatingPoint()) {
                problems.add("tensor '" + e.name() + "' has dtype " + e.dtypeName() + "; weights must be F32, F16 or BF16");
                continue;
            }
            out.put(name, Tensor.fromSegment(file.data(e.name()), e.dtype(), want));
        }
        for (String name : expected.keySet()) {
            if (!out.containsKey(name) && problems.stream().noneMatch(p -> p.contains("'" + name + "'"))) problems.add("missing tensor '" + name + "'");
        }
        if (!problems.isEmpty()) {
            int shown = Math.min(problems.size(), 5);
            String more = problems.size() > shown ? " (and " + (problems.size() - shown) + " more)" : "";
            throw new IOException(file.source().getFileName() + ": " + String.join("; ", problems.subList(0, shown)) + more);
        }
        return out;
    }

    private static boolean sameShape(long[] have, int[] want) {
        if (have.length != want.length) return false;
        for (int i = 0; i < want.length; i++) if (have[i] != want[i]) return false;
        return true;
    }
}
