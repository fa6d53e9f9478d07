package ai.emu4j.core.ops;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;

class LossesTest {
    static List<Fixtures.Case> cases() {
        return Fixtures.load("losses");
    }

    @Test
    void fixturesCoverEveryOp() {
        Fixtures.requireOps(cases(), "cross_entropy", "mse", "l1");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesTorch(Fixtures.Case c) {
        Fixtures.check(c, o -> switch (c.op()) {
            case "cross_entropy" -> Losses.crossEntropy(o.get("logits"), o.ints("targets"), o.opt("weights"), o.i("ignore_index"));
            case "mse" -> Losses.mse(o.get("a"), o.get("b"));
            case "l1" -> Losses.l1(o.get("a"), o.get("b"));
            default -> throw new AssertionError("no mapping for op " + c.op());
        });
    }
}
