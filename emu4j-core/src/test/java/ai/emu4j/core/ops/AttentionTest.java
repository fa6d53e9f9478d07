package ai.emu4j.core.ops;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;

class AttentionTest {
    static List<Fixtures.Case> cases() {
        return Fixtures.load("attention");
    }

    @Test
    void fixturesCoverEveryOp() {
        Fixtures.requireOps(cases(), "sdpa");
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
