package ai.emu4j.train;

import ai.emu4j.core.tensor.Tensor;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** AdamW and SGD replay the exact parameters, gradients and learning rates torch.optim saw, and must agree to 1e-5 relative. */
class OptimizerFixtureTest {
    private static final double REL = 1e-5;

    @ParameterizedTest
    @ValueSource(strings = {"adamw_nanogpt", "adamw_defaults", "adamw_no_decay", "sgd_plain", "sgd_momentum_decay",
            "sgd_nesterov_decay", "sgd_dampening"})
    void matchesTorch(String name) {
        JsonNode fx = Fixtures.load(name);
        Map<String, Tensor> params = new LinkedHashMap<>();
        fx.get("shapes").fieldNames().forEachRemaining(n -> params.put(n,
                Tensor.of(Fixtures.floats(fx.get("initial").get(n)), Fixtures.ints(fx.get("shapes").get(n))).requiresGrad(true)));
        JsonNode c = fx.get("config");
        double lr0 = fx.get("steps").get(0).get("lr").asDouble();
        Optimizer opt = switch (fx.get("kind").asText()) {
            case "adamw" -> new AdamW(params, new AdamW.Config(lr0, c.get("beta1").asDouble(), c.get("beta2").asDouble(),
                    c.get("eps").asDouble(), c.get("weightDecay").asDouble()));
            case "sgd" -> new Sgd(params, new Sgd.Config(lr0, c.get("momentum").asDouble(), c.get("dampening").asDouble(),
                    c.get("weightDecay").asDouble(), c.get("nesterov").asBoolean()));
            default -> throw new AssertionError("unknown optimizer kind in " + name);
        };
        int step = 0;
        for (JsonNode s : fx.get("steps")) {
            step++;
            params.forEach((n, p) -> p.setGrad(Tensor.of(Fixtures.floats(s.get("grads").get(n)), p.shape())));
            opt.setLr(s.get("lr").asDouble());
            opt.step();
            opt.zeroGrad();
            for (var e : params.entrySet()) {
                Fixtures.assertClose(Fixtures.floats(s.get("params").get(e.getKey())), e.getValue().dataF32(), REL, name + " step " + step + " " + e.getKey());
            }
        }
        Map<String, float[]> arrays = opt.stateArrays();
        Map<String, Long> counters = opt.stateCounters();
        int expectedArrays = 0;
        for (var pe : fx.get("state").properties()) {
            for (var se : pe.getValue().properties()) {
                String key = pe.getKey() + "." + se.getKey();
                if (se.getKey().equals("step")) {
                    assertEquals(se.getValue().asLong(), counters.get(key), key);
                } else {
                    expectedArrays++;
                    Fixtures.assertClose(Fixtures.floats(se.getValue()), arrays.get(key), REL, name + " state " + key);
                }
            }
        }
        assertEquals(expectedArrays, arrays.size(), name + ": state arrays " + arrays.keySet());
    }
}
