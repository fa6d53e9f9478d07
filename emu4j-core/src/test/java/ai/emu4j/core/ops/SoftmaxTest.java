package ai.emu4j.core.ops;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;

class SoftmaxTest {
    static List<Fixtures.Case> cases() {
        return Fixtures.load("softmax");
    }

    @Test
    void fixturesCoverEveryOp() {
        Fixtures.requireOps(cases(), "softmax", "log_softmax");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesTorch(Fixtures.Case c) {
        Fixtures.check(c, o -> switch (c.op()) {
            case "softmax" -> Softmax.softmax(o.get("x"), o.i("dim"));
            case "log_softmax" -> Softmax.logSoftmax(o.get("x"), o.i("dim"));
            default -> throw new AssertionError("no mapping for op " + c.op());
        });
    }
}
