package ai.emu4j.core.ops;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;

class UnaryTest {
    static List<Fixtures.Case> cases() {
        return Fixtures.load("unary");
    }

    @Test
    void fixturesCoverEveryOp() {
        Fixtures.requireOps(cases(), "exp", "log", "sqrt", "rsqrt", "abs", "sin", "cos", "square", "sigmoid", "tanh", "relu", "silu", "gelu", "gelu_tanh", "quick_gelu", "hardswish", "hardsigmoid", "pow", "clamp");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesTorch(Fixtures.Case c) {
        Fixtures.check(c, o -> switch (c.op()) {
            case "exp" -> Unary.exp(o.get("x"));
            case "log" -> Unary.log(o.get("x"));
            case "sqrt" -> Unary.sqrt(o.get("x"));
            case "rsqrt" -> Unary.rsqrt(o.get("x"));
            case "abs" -> Unary.abs(o.get("x"));
            case "sin" -> Unary.sin(o.get("x"));
            case "cos" -> Unary.cos(o.get("x"));
            case "square" -> Unary.square(o.get("x"));
            case "sigmoid" -> Unary.sigmoid(o.get("x"));
            case "tanh" -> Unary.tanh(o.get("x"));
            case "relu" -> Unary.relu(o.get("x"));
            case "silu" -> Unary.silu(o.get("x"));
            case "gelu" -> Unary.gelu(o.get("x"));
            case "gelu_tanh" -> Unary.geluTanh(o.get("x"));
            case "quick_gelu" -> Unary.quickGelu(o.get("x"));
            case "hardswish" -> Unary.hardswish(o.get("x"));
            case "hardsigmoid" -> Unary.hardsigmoid(o.get("x"));
            case "pow" -> Unary.pow(o.get("x"), o.f("p"));
            case "clamp" -> Unary.clamp(o.get("x"), o.f("lo"), o.f("hi"));
            default -> throw new AssertionError("no mapping for op " + c.op());
        });
    }
}
