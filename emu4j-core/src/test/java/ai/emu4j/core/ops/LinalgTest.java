package ai.emu4j.core.ops;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;

class LinalgTest {
    static List<Fixtures.Case> cases() {
        return Fixtures.load("linalg");
    }

    @Test
    void fixturesCoverEveryOp() {
        Fixtures.requireOps(cases(), "matmul", "linear");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesTorch(Fixtures.Case c) {
        Fixtures.check(c, o -> switch (c.op()) {
            case "matmul" -> Linalg.matmul(o.get("a"), o.get("b"));
            case "linear" -> Linalg.linear(o.get("x"), o.get("w"), o.opt("b"));
            default -> throw new AssertionError("no mapping for op " + c.op());
        });
    }
}
