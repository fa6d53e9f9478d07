package ai.emu4j.core.ops;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import ai.emu4j.core.tensor.Tensor;

import java.util.List;

class AttentionTest {
    static List<Fixtures.Case> cases() {
        return Fixtures.load("attention");
    }

    @Test
    void fixturesCoverEveryOp() {
        Fixtures.requireOps(cases(), "sdpa");
    }

    /**
     * Long causal queries take the blocked path: it must equal the plain path with the causal mask given
     * explicitly (which the fixtures hold to PyTorch), forward and all three gradients, also with a KV
     * cache offset (S > T), grouped heads and a last block shorter than the rest.
     */
    @Test
    void blockedCausalEqualsTheMaskedPlainPath() {
        ai.emu4j.core.util.Rng rng = new ai.emu4j.core.util.Rng(3);
        int b = 2, hq = 6, hkv = 2, t = 2 * Attention.CAUSAL_BLOCK + 44, d = 16, dv = 24;
        for (int s : new int[] {t, t + 17}) {
            Tensor q = Tensor.randn(rng, b, hq, t, d), k = Tensor.randn(rng, b, hkv, s, d),
                    v = Tensor.randn(rng, b, hkv, s, dv), g = Tensor.randn(rng, b, hq, t, dv);
            float[] m = new float[t * s];
            for (int i = 0; i < t; i++) for (int j = i + (s - t) + 1; j < s; j++) m[i * s + j] = Float.NEGATIVE_INFINITY;
            Tensor mask = Tensor.of(m, t, s);
            Tensor[] blocked = leaves(q, k, v), plain = leaves(q, k, v);
            Tensor yb = Attention.sdpa(blocked[0], blocked[1], blocked[2], null, true, 0.25f);
            Tensor yp = Attention.sdpa(plain[0], plain[1], plain[2], mask, false, 0.25f);
            yb.backward(g);
            yp.backward(g);
            Fixtures.assertClose("output s=" + s, yb.toFloatArray(), yp.toFloatArray());
            for (int i = 0; i < 3; i++) Fixtures.assertClose("grad " + "qkv".charAt(i) + " s=" + s, blocked[i].grad().toFloatArray(), plain[i].grad().toFloatArray());
        }
    }

    private static Tensor[] leaves(Tensor... ts) {
        Tensor[] out = new Tensor[ts.length];
        for (int i = 0; i < ts.length; i++) out[i] = Tensor.of(ts[i].toFloatArray(), ts[i].shape()).requiresGrad(true);
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesTorch(Fixtures.Case c) {
        Fixtures.check(c, o -> switch (c.op()) {
            case "sdpa" -> Attention.sdpa(o.get("q"), o.get("k"), o.get("v"), o.opt("mask"), o.b("causal"), o.f("scale"));
            default -> throw new AssertionError("no mapping for op " + c.op());
        });
    }
}
