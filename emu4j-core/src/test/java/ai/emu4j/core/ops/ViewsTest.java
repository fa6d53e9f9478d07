package ai.emu4j.core.ops;

import ai.emu4j.core.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;

class ViewsTest {
    static List<Fixtures.Case> cases() {
        return Fixtures.load("views");
    }

    @Test
    void fixturesCoverEveryOp() {
        Fixtures.requireOps(cases(), "reshape", "permute", "transpose", "slice", "select", "expand", "unsqueeze", "squeeze", "flatten", "contiguous", "chain_overlap");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesTorch(Fixtures.Case c) {
        Fixtures.check(c, o -> switch (c.op()) {
            case "reshape" -> Views.reshape(o.get("x"), o.intArray("shape"));
            case "permute" -> Views.permute(o.get("x"), o.intArray("dims"));
            case "transpose" -> Views.transpose(o.get("x"), o.i("d0"), o.i("d1"));
            case "slice" -> Views.slice(o.get("x"), o.i("dim"), o.i("start"), o.i("end"), o.i("step"));
            case "select" -> Views.select(o.get("x"), o.i("dim"), o.i("index"));
            case "expand" -> Views.expand(o.get("x"), o.intArray("shape"));
            case "unsqueeze" -> Views.unsqueeze(o.get("x"), o.i("dim"));
            case "squeeze" -> Views.squeeze(o.get("x"), o.i("dim"));
            case "flatten" -> Views.flatten(o.get("x"), o.i("start"), o.i("end"));
            case "contiguous" -> Views.contiguous(o.get("x"));
            case "chain_overlap" -> {
                Tensor x = o.get("x");
                Tensor prod = Elementwise.mul(x.slice(1, 0, 5), x.slice(1, 2, 7).transpose(0, 1).transpose(0, 1));
                Tensor rows = Reduce.sum(x.transpose(0, 1).reshape(7, 3).slice(0, 1, 6, 2).reshape(3, 3), 1, true);
                yield Elementwise.add(prod, rows);
            }
            default -> throw new AssertionError("no mapping for op " + c.op());
        });
    }
}
