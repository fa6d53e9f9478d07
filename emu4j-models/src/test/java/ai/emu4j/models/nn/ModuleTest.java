package ai.emu4j.models.nn;

import ai.emu4j.core.tensor.Tensor;
import ai.emu4j.core.util.Rng;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModuleTest {
    private static MLP mlp(long seed) {
        return new MLP(new int[] {3, 5, 2}, Activation::relu, 0.5f, new Rng(seed), new Rng(99));
    }

    @Test
    void parametersUseTorchDottedNamesInRegistrationOrder() {
        MLP m = mlp(1);
        assertEquals(List.of("net.0.weight", "net.0.bias", "net.3.weight", "net.3.bias"), List.copyOf(m.parameters().keySet()));
        assertArrayEquals(new int[] {5, 3}, m.parameters().get("net.0.weight").shape());
        assertEquals(5 * 3 + 5 + 2 * 5 + 2, m.parameterCount());
        assertTrue(m.parameters().values().stream().allMatch(Tensor::requiresGrad));
    }

    @Test
    void linearInitIsTorchsUniformBoundAndSeeded() {
        Linear a = new Linear(16, 8, true, new Rng(7)), b = new Linear(16, 8, true, new Rng(7));
        float bound = 0.25f;
        for (float v : a.weight().dataF32()) assertTrue(v >= -bound && v < bound);
        for (float v : a.bias().dataF32()) assertTrue(v >= -bound && v < bound);
        assertArrayEquals(a.weight().dataF32(), b.weight().dataF32());
        assertArrayEquals(a.bias().dataF32(), b.bias().dataF32());
        assertNotEquals(a.weight().dataF32()[0], new Linear(16, 8, true, new Rng(8)).weight().dataF32()[0]);
    }

    @Test
    void loadStateDictCopiesInPlace() {
        MLP a = mlp(1), b = mlp(2);
        Tensor bw = b.parameters().get("net.0.weight");
        b.loadStateDict(a.stateDict());
        assertSame(bw, b.parameters().get("net.0.weight"));
        a.parameters().forEach((k, t) -> assertArrayEquals(t.dataF32(), b.parameters().get(k).dataF32(), k));
    }

    @Test
    void loadStateDictNamesEveryProblemAndCopiesNothing() {
        MLP a = mlp(1), b = mlp(2);
        float[] before = b.parameters().get("net.0.bias").toFloatArray();
        Map<String, Tensor> sd = new LinkedHashMap<>(a.stateDict());
        sd.remove("net.3.bias");
        sd.put("net.0.weight", Tensor.zeros(3, 5));
        sd.put("head.weight", Tensor.zeros(1));
        var e = assertThrows(IllegalArgumentException.class, () -> b.loadStateDict(sd));
        assertTrue(e.getMessage().contains("missing \"net.3.bias\""), e.getMessage());
        assertTrue(e.getMessage().contains("\"net.0.weight\" has shape [3, 5], module expects [5, 3]"), e.getMessage());
        assertTrue(e.getMessage().contains("unexpected \"head.weight\""), e.getMessage());
        assertArrayEquals(before, b.parameters().get("net.0.bias").dataF32());
    }

    @Test
    void evalDisablesDropoutEverywhere() {
        MLP m = mlp(3);
        Tensor x = Tensor.ones(4, 3);
        m.eval();
        assertFalse(((Sequential) m.children().get("net")).get(2).isTraining());
        assertArrayEquals(m.forward(x).dataF32(), m.forward(x).dataF32());
        m.train(true);
        assertTrue(m.children().get("net").isTraining());
    }

    @Test
    void tiedWeightsAreOneParameterButTwoStateEntries() {
        class Tied extends Module {
            Tied() {
                Embedding e = registerModule("wte", new Embedding(4, 3, new Rng(1)));
                registerModule("head", new Module() {
                    { registerParameter("weight", e.weight()); }

                    @Override
                    public Tensor forward(Tensor x) {
                        return x;
                    }
                });
            }

            @Override
            public Tensor forward(Tensor x) {
                return x;
            }
        }
        Tied t = new Tied();
        assertEquals(List.of("wte.weight"), List.copyOf(t.parameters().keySet()));
        assertEquals(List.of("wte.weight", "head.weight"), List.copyOf(t.stateDict().keySet()));
    }

    @Test
    void badMemberNamesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new Module() {
            { registerParameter("a.b", Tensor.zeros(1)); }

            @Override
            public Tensor forward(Tensor x) {
                return x;
            }
        });
    }

    @Test
    void normsAndEmbeddingForwardShapes() {
        Tensor x = Tensor.randn(new Rng(5), 2, 3, 4);
        assertArrayEquals(new int[] {2, 3, 4}, new LayerNorm(4).forward(x).shape());
        assertArrayEquals(new int[] {2, 3, 4}, new RMSNorm(4, 1e-6f).forward(x).shape());
        assertArrayEquals(new int[] {2, 5}, new Embedding(10, 5, new Rng(1)).forward(Tensor.ofInts(new int[] {1, 9})).shape());
        assertEquals(List.of("weight", "bias"), List.copyOf(new LayerNorm(4).parameters().keySet()));
    }

    @Test
    void convStackShapesAndTorchInitBound() {
        Conv2d c = new Conv2d(2, 4, 3, 2, 1, new Rng(1));
        float bound = (float) (1 / Math.sqrt(2 * 3 * 3));
        for (float v : c.weight().dataF32()) assertTrue(v >= -bound && v < bound);
        Sequential s = new Sequential(c, Activation.relu(), new MaxPool2d(2, 2), new Flatten());
        assertArrayEquals(new int[] {3, 4, 4, 4}, c.forward(Tensor.zeros(3, 2, 8, 8)).shape());
        assertArrayEquals(new int[] {3, 16}, s.forward(Tensor.randn(new Rng(2), 3, 2, 8, 8)).shape());
        assertEquals(List.of("0.weight", "0.bias"), List.copyOf(s.parameters().keySet()));
    }
}
