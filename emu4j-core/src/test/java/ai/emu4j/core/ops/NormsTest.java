package ai.emu4j.core.ops;

import ai.emu4j.core.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;

class NormsTest {
    static List<Fixtures.Case> cases() {
        return Fixtures.load("norms");
    }

    @Test
    void fixturesCoverEveryOp() {
        Fixtures.requireOps(cases(), "layer_norm", "rms_norm", "group_norm", "batch_norm");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesTorch(Fixtures.Case c) {
        Tensor[] running = new Tensor[2];
        Fixtures.check(c, o -> switch (c.op()) {
            case "layer_norm" -> Norms.layerNorm(o.get("x"), o.opt("weight"), o.opt("bias"), o.f("eps"));
            case "rms_norm" -> Norms.rmsNorm(o.get("x"), o.opt("weight"), o.f("eps"));
            case "group_norm" -> Norms.groupNorm(o.get("x"), o.i("groups"), o.opt("weight"), o.opt("bias"), o.f("eps"));
            case "batch_norm" -> {
                running[0] = Tensor.of(o.floatArray("running_mean"));
                running[1] = Tensor.of(o.floatArray("running_var"));
                yield Norms.batchNorm(o.get("x"), running[0], running[1], o.opt("weight"), o.opt("bias"), o.b("training"), o.f("momentum"), o.f("eps"));
            }
            default -> throw new AssertionError("no mapping for op " + c.op());
        });
        if (c.op().equals("batch_norm")) {
            Fixtures.assertClose(c.name() + " running_mean", Fixtures.arr(c.extra().get("running_mean")), running[0]);
            Fixtures.assertClose(c.name() + " running_var", Fixtures.arr(c.extra().get("running_var")), running[1]);
        }
    }
}
