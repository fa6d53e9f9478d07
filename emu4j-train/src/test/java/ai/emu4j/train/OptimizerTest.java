package ai.emu4j.train;

import ai.emu4j.core.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OptimizerTest {
    @Test
    void parametersWithoutGradientAreSkippedAndGetNoState() {
        Map<String, Tensor> params = new LinkedHashMap<>();
        params.put("a", Tensor.ones(3).requiresGrad(true));
        params.put("b", Tensor.ones(2).requiresGrad(true));
        AdamW opt = new AdamW(params, AdamW.Config.defaults(0.1));
        params.get("a").setGrad(Tensor.ones(3));
        opt.step();
        assertArrayEquals(new float[] {1, 1}, params.get("b").dataF32());
        assertTrue(params.get("a").dataF32()[0] < 1);
        assertEquals(Map.of("a.step", 1L), opt.stateCounters());
        assertEquals(2, opt.stateArrays().size());
    }

    @Test
    void viewsAreRefusedBecauseInPlaceUpdatesWouldBeLost() {
        Tensor view = Tensor.ones(4, 4).slice(0, 1, 3).requiresGrad(true);
        var e = assertThrows(IllegalArgumentException.class, () -> new Sgd(Map.of("v", view), Sgd.Config.plain(0.1)));
        assertTrue(e.getMessage().contains("dense"), e.getMessage());
    }

    @Test
    void malformedStateIsRejectedWithoutChanges() {
        Tensor p = Tensor.ones(3).requiresGrad(true);
        AdamW opt = new AdamW(Map.of("w", p), AdamW.Config.defaults(0.1));
        p.setGrad(Tensor.ones(3));
        opt.step();
        Map<String, float[]> good = Map.copyOf(opt.stateArrays());
        var e = assertThrows(IllegalArgumentException.class, () -> opt.loadState(Map.of("w.exp_avg", new float[2], "x.exp_avg", new float[3]), Map.of("w.step", 1L)));
        assertTrue(e.getMessage().contains("has 2 values, parameter has 3") && e.getMessage().contains("unexpected state array \"x.exp_avg\""), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> opt.loadState(Map.of("w.exp_avg", new float[3]), Map.of("w.step", 1L)));
        good.forEach((k, v) -> assertArrayEquals(v, opt.stateArrays().get(k)));
        assertThrows(IllegalArgumentException.class, () -> new Sgd.Config(0.1, 0, 0, 0, true));
    }

    @Test
    void nanoGptGroupsDecayOnlyMatrices() {
        Map<String, Tensor> params = new LinkedHashMap<>();
        params.put("w", Tensor.ones(2, 2).requiresGrad(true));
        params.put("b", Tensor.ones(2).requiresGrad(true));
        AdamW opt = new AdamW(params, new AdamW.Config(0.1, 0.9, 0.95, 1e-8, 0.5, true));
        params.values().forEach(p -> p.setGrad(Tensor.zeros(p.shape())));
        opt.step();
        assertArrayEquals(new float[] {0.95f, 0.95f, 0.95f, 0.95f}, params.get("w").dataF32());
        assertArrayEquals(new float[] {1, 1}, params.get("b").dataF32());
    }
}
