package ai.emu4j.train;

import ai.emu4j.core.tensor.Tensor;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScheduleAndClipTest {
    @Test
    void cosineScheduleMatchesNanoGptAndTorchCosineAnnealing() {
        JsonNode fx = Fixtures.load("schedule_cosine");
        JsonNode c = fx.get("config");
        var s = new CosineSchedule(c.get("maxLr").asDouble(), c.get("minLr").asDouble(), c.get("warmupSteps").asLong(), c.get("decaySteps").asLong());
        JsonNode lrs = fx.get("lrs");
        for (int i = 0; i < lrs.size(); i++) {
            double e = lrs.get(i).asDouble();
            assertEquals(e, s.lr(i), 1e-12 * e, "step " + i);
        }
        assertTrue(s.lr(0) > 0, "warm-up starts above zero");
        assertEquals(s.minLr(), s.lr(1_000_000));
        assertThrows(IllegalArgumentException.class, () -> new CosineSchedule(1e-3, 1e-4, 10, 10));
    }

    @Test
    void clipGradNormMatchesTorch() {
        for (JsonNode fx : Fixtures.load("clip_grad_norm")) {
            String name = fx.get("name").asText();
            Map<String, Tensor> params = new LinkedHashMap<>();
            fx.get("shapes").properties().forEach(e -> {
                Tensor p = Tensor.zeros(Fixtures.ints(e.getValue())).requiresGrad(true);
                p.setGrad(Tensor.of(Fixtures.floats(fx.get("grads").get(e.getKey())), p.shape()));
                params.put(e.getKey(), p);
            });
            List<Tensor> withUngraded = new ArrayList<>(params.values());
            withUngraded.add(Tensor.zeros(3).requiresGrad(true));
            double total = GradClip.clipGradNorm(withUngraded, fx.get("maxNorm").asDouble());
            double expected = fx.get("totalNorm").asDouble();
            assertEquals(expected, total, 1e-6 * expected, name + " total norm");
            params.forEach((n, p) -> Fixtures.assertClose(Fixtures.floats(fx.get("clipped").get(n)), p.grad().dataF32(), 1e-5, name + " " + n));
        }
    }
}
