package ai.emu4j.train;

import ai.emu4j.core.tensor.Tensor;
import ai.emu4j.core.util.Rng;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class FrozenRowsTest {
    @Test
    void frozenRowsStayPutUnderAdamWWithDecayWhileTheOthersLearn() {
        Tensor w = Tensor.randn(new Rng(1), 5, 3).detach().requiresGrad(true);
        float[] before = w.toFloatArray();
        Map<String, Tensor> params = new LinkedHashMap<>();
        params.put("w", w);
        AdamW opt = new AdamW(params, new AdamW.Config(0.1, 0.9, 0.95, 1e-8, 0.5, true));
        FrozenRows frozen = new FrozenRows(w, 1, 3);
        for (int step = 0; step < 5; step++) {
            w.mul(w).sum().backward();
            frozen.zeroGrad();
            float[] g = w.grad().toFloatArray();
            for (int i = 3; i < 9; i++) assertEquals(0f, g[i], "rows 1-2 get no gradient");
            opt.step();
            frozen.restore();
            opt.zeroGrad();
        }
        float[] after = w.toFloatArray();
        for (int i = 0; i < after.length; i++) {
            if (i >= 3 && i < 9) assertEquals(before[i], after[i], "frozen entry " + i);
            else assertNotEquals(before[i], after[i], "free entry " + i);
        }
    }

    @Test
    void rowsOutsideTheParameterAreRefused() {
        Tensor w = Tensor.zeros(4, 2);
        assertThrows(IllegalArgumentException.class, () -> new FrozenRows(w, 2, 5));
        assertThrows(IllegalArgumentException.class, () -> new FrozenRows(w, 3, 3));
        assertThrows(IllegalArgumentException.class, () -> new FrozenRows(Tensor.zeros(8), 0, 1));
        assertArrayEquals(new float[8], w.toFloatArray());
    }
}
