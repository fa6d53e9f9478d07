package ai.emu4j.core.ops;

import ai.emu4j.core.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

class UnaryTest {
    static List<Fixtures.Case> cases() {
        return Fixtures.load("unary");
    }

    @Test
    void fixturesCoverEveryOp() {
        Fixtures.requireOps(cases(), "exp", "log", "sqrt", "rsqrt", "abs", "sin", "cos", "square", "sigmoid", "tanh", "relu", "silu", "gelu", "gelu_tanh", "quick_gelu", "hardswish", "hardsigmoid", "pow", "clamp");
    }

    /** As in PyTorch every pointwise function maps NaN to NaN, so a NaN from upstream is never laundered into a number. */
    @Test
    void nanPropagatesThroughEveryFunction() {
        Tensor nan = Tensor.of(new float[] {Float.NaN, 1f});
        Map<String, UnaryOperator<Tensor>> fs = new LinkedHashMap<>();
        fs.put("exp", Unary::exp);
        fs.put("log", Unary::log);
        fs.put("sqrt", Unary::sqrt);
        fs.put("rsqrt", Unary::rsqrt);
        fs.put("abs", Unary::abs);
        fs.put("sin", Unary::sin);
        fs.put("cos", Unary::cos);
        fs.put("square", Unary::square);
        fs.put("sigmoid", Unary::sigmoid);
        fs.put("tanh", Unary::tanh);
        fs.put("relu", Unary::relu);
        fs.put("silu", Unary::silu);
        fs.put("gelu", Unary::gelu);
        fs.put("gelu_tanh", Unary::geluTanh);
        fs.put("quick_gelu", Unary::quickGelu);
        fs.put("hardswish", Unary::hardswish);
        fs.put("hardsigmoid", Unary::hardsigmoid);
        fs.put("pow", x -> Unary.pow(x, 2f));
        fs.put("clamp", x -> Unary.clamp(x, -1f, 1f));
        for (var e : fs.entrySet()) {
            float y = e.getValue().apply(nan).toFloatArray()[0];
            if (!Float.isNaN(y)) throw new AssertionError(e.getKey() + "(NaN) = " + y);
        }
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
