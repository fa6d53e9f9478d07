package ai.emu4j.core.ops;

import ai.emu4j.core.tensor.Tensor;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Reads the PyTorch reference cases written by tools/fixtures/make_op_fixtures.py and checks one
 * computation of ours against a case, forward and backward. A missing or empty file is a failure, never
 * a skip: a silently absent oracle would make the whole suite vacuous.
 */
public final class Fixtures {
    public static final double TOL = 1e-4;

    private static final JsonMapper JSON = JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

    private Fixtures() {}

    public record Arr(int[] shape, float[] data) {
        public Tensor tensor() {
            return Tensor.of(data.clone(), shape);
        }
    }

    public record Input(String name, Arr value, boolean requiresGrad, JsonNode view) {}

    public record Case(String name, String op, JsonNode params, List<Input> inputs, Map<String, Tensor> ints, Arr output,
                Arr gradOutput, Map<String, Arr> grads, JsonNode extra) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** The operands of one case as our tensors: leaves (which receive gradients) and their viewed forms. */
    public static final class Operands {
        final Map<String, Tensor> leaves = new LinkedHashMap<>();
        final Map<String, Tensor> viewed = new LinkedHashMap<>();
        final Map<String, Tensor> ints;
        final JsonNode params;

        Operands(Case c) {
            ints = c.ints();
            params = c.params();
            for (Input in : c.inputs()) {
                Tensor leaf = in.value().tensor().requiresGrad(in.requiresGrad());
                leaves.put(in.name(), leaf);
                viewed.put(in.name(), applyView(leaf, in.view()));
            }
        }

        public Tensor get(String name) {
            Tensor t = viewed.get(name);
            if (t == null) throw new AssertionError("case has no input " + name + "; inputs are " + viewed.keySet());
            return t;
        }

        public Tensor opt(String name) {
            return viewed.get(name);
        }

        public Tensor ints(String name) {
            Tensor t = ints.get(name);
            if (t == null) throw new AssertionError("case has no integer operand " + name);
            return t;
        }

        public double d(String key) {
            return need(key).asDouble();
        }

        public float f(String key) {
            return (float) need(key).asDouble();
        }

        public int i(String key) {
            return need(key).asInt();
        }

        public boolean b(String key) {
            return need(key).asBoolean();
        }

        public int[] intArray(String key) {
            JsonNode n = need(key);
            int[] r = new int[n.size()];
            for (int k = 0; k < r.length; k++) r[k] = n.get(k).asInt();
            return r;
        }

        public float[] floatArray(String key) {
            return floats(need(key));
        }

        private JsonNode need(String key) {
            JsonNode n = params.get(key);
            if (n == null) throw new AssertionError("case has no parameter " + key);
            return n;
        }
    }

    public static List<Case> load(String family) {
        String path = "/fixtures/ops/" + family + ".json";
        JsonNode root;
        try (InputStream in = Fixtures.class.getResourceAsStream(path)) {
            if (in == null) throw new AssertionError("fixture file " + path + " is missing; run /usr/bin/python3 tools/fixtures/make_op_fixtures.py");
            root = JSON.readTree(in);
        } catch (IOException e) {
            throw new AssertionError("cannot read " + path, e);
        }
        List<Case> cases = new ArrayList<>();
        for (JsonNode c : root.path("cases")) cases.add(parse(c));
        if (cases.isEmpty()) throw new AssertionError("fixture file " + path + " holds no cases");
        return cases;
    }

    /** Fails unless every named op has at least one case, so a truncated fixture file cannot pass quietly. */
    public static void requireOps(List<Case> cases, String... ops) {
        Set<String> have = cases.stream().map(Case::op).collect(Collectors.toCollection(TreeSet::new));
        Set<String> missing = new TreeSet<>(Arrays.asList(ops));
        missing.removeAll(have);
        assertTrue(missing.isEmpty(), "no fixture cases for " + missing + " (have " + have + ")");
    }

    private static Case parse(JsonNode c) {
        List<Input> inputs = new ArrayList<>();
        for (JsonNode in : c.path("inputs")) {
            inputs.add(new Input(in.get("name").asText(), arr(in), in.get("requires_grad").asBoolean(), in.get("view")));
        }
        Map<String, Tensor> ints = new LinkedHashMap<>();
        c.path("ints").properties().forEach(e -> {
            int[] shape = ints(e.getValue().get("shape"));
            int[] data = ints(e.getValue().get("data"));
            ints.put(e.getKey(), Tensor.ofInts(data, shape));
        });
        Map<String, Arr> grads = new LinkedHashMap<>();
        c.path("grads").properties().forEach(e -> grads.put(e.getKey(), arr(e.getValue())));
        return new Case(c.get("name").asText(), c.get("op").asText(), c.path("params"), inputs, ints, arr(c.get("output")),
                arr(c.get("grad_output")), grads, c.path("extra"));
    }

    public static Arr arr(JsonNode n) {
        return new Arr(ints(n.get("shape")), floats(n.get("data")));
    }

    public static int[] ints(JsonNode n) {
        int[] r = new int[n.size()];
        for (int i = 0; i < r.length; i++) r[i] = n.get(i).asInt();
        return r;
    }

    public static float[] floats(JsonNode n) {
        float[] r = new float[n.size()];
        for (int i = 0; i < r.length; i++) r[i] = (float) n.get(i).asDouble();
        return r;
    }

    public static Tensor view(Tensor t, JsonNode step) {
        return switch (step.get("op").asText()) {
            case "transpose" -> t.transpose(step.get("d0").asInt(), step.get("d1").asInt());
            case "permute" -> t.permute(ints(step.get("dims")));
            case "slice" -> t.slice(step.get("dim").asInt(), step.get("start").asInt(), step.get("end").asInt(), step.path("step").asInt(1));
            case "select" -> t.select(step.get("dim").asInt(), step.get("index").asInt());
            case "expand" -> t.expand(ints(step.get("shape")));
            case "unsqueeze" -> t.unsqueeze(step.get("dim").asInt());
            default -> throw new AssertionError("unknown view step " + step);
        };
    }

    public static Tensor applyView(Tensor t, JsonNode steps) {
        if (steps == null || steps.isNull()) return t;
        for (JsonNode s : steps) t = view(t, s);
        return t;
    }

    /**
     * Builds the computation with our ops, compares the forward result, then feeds the recorded upstream
     * gradient and compares every leaf gradient; leaves torch did not differentiate must get none.
     * Returns the operands so callers can check side effects (running statistics, indices).
     */
    public static Operands check(Case c, Function<Operands, Tensor> compute) {
        Operands ops = new Operands(c);
        Tensor out = compute.apply(ops);
        assertClose(c.name() + " forward", c.output(), out);
        if (c.grads().isEmpty()) return ops;
        assertTrue(out.requiresGrad(), c.name() + ": output does not require grad though inputs do");
        out.backward(c.gradOutput().tensor());
        for (Input in : c.inputs()) {
            Tensor g = ops.leaves.get(in.name()).grad();
            if (in.requiresGrad()) {
                Arr want = c.grads().get(in.name());
                assertNotNull(want, c.name() + ": fixture lacks the gradient of " + in.name());
                assertNotNull(g, c.name() + ": no gradient reached " + in.name());
                assertClose(c.name() + " grad " + in.name(), want, g);
            } else {
                assertNull(g, c.name() + ": frozen input " + in.name() + " got a gradient");
            }
        }
        return ops;
    }

    public static void assertClose(String what, Arr want, Tensor got) {
        assertArrayEquals(want.shape(), got.shape(), what + ": shape");
        assertClose(what, want.data(), got.toFloatArray());
    }

    /** rel = max|ours - ref| / max(max|ref|, 1e-6); infinities must match exactly. */
    public static void assertClose(String what, float[] want, float[] got) {
        assertEquals(want.length, got.length, what + ": element count");
        double maxRef = 0, maxErr = 0;
        int worst = -1;
        for (int i = 0; i < want.length; i++) {
            if (Float.isInfinite(want[i]) || Float.isInfinite(got[i])) {
                if (want[i] != got[i]) fail(what + ": element " + i + " is " + got[i] + ", want " + want[i]);
                continue;
            }
            if (Float.isNaN(got[i]) != Float.isNaN(want[i])) fail(what + ": element " + i + " is " + got[i] + ", want " + want[i]);
            if (Float.isNaN(want[i])) continue;
            maxRef = Math.max(maxRef, Math.abs(want[i]));
            double err = Math.abs((double) got[i] - want[i]);
            if (err > maxErr) {
                maxErr = err;
                worst = i;
            }
        }
        double rel = maxErr / Math.max(maxRef, 1e-6);
        if (rel > TOL) {
            fail(String.format("%s: rel error %.3g > %.0e (worst element %d: got %s, want %s)", what, rel, TOL, worst, got[worst], want[worst]));
        }
    }
}
