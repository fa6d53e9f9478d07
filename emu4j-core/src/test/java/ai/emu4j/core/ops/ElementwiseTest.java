package ai.emu4j.core.ops;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;

class ElementwiseTest {
    static List<Fixtures.Case> cases() {
        return Fixtures.load("elementwise");
    }

    @Test
    void fixturesCoverEveryOp() {
        Fixtures.requireOps(cases(), "add", "sub", "mul", "div", "maximum", "minimum", "add_scalar", "mul_scalar");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesTorch(Fixtures.Case c) {
        Fixtures.check(c, o -> switch (c.op()) {
            case "add" -> Elementwise.add(o.get("a"), o.get("b"));
            case "sub" -> Elementwise.sub(o.get("a"), o.get("b"));
            case "mul" -> Elementwise.mul(o.get("a"), o.get("b"));
            case "div" -> Elementwise.div(o.get("a"), o.get("b"));
            case "maximum" -> Elementwise.maximum(o.get("a"), o.get("b"));
            case "minimum" -> Elementwise.minimum(o.get("a"), o.get("b"));
            case "add_scalar" -> Elementwise.addScalar(o.get("a"), o.f("s"));
            case "mul_scalar" -> Elementwise.mulScalar(o.get("a"), o.f("s"));
            default -> throw new AssertionError("no mapping for op " + c.op());
        });
    }
}
