package ai.emu4j.core.ops;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

class ReduceTest {
    static List<Fixtures.Case> cases() {
        return Fixtures.load("reduce");
    }

    @Test
    void fixturesCoverEveryOp() {
        Fixtures.requireOps(cases(), "sum", "mean", "sum_dim", "mean_dim", "max_dim", "sum_dims");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesTorch(Fixtures.Case c) {
        int[][] indices = new int[1][];
        Fixtures.check(c, o -> switch (c.op()) {
            case "sum" -> Reduce.sum(o.get("x"));
            case "mean" -> Reduce.mean(o.get("x"));
            case "sum_dim" -> Reduce.sum(o.get("x"), o.i("dim"), o.b("keepdim"));
            case "mean_dim" -> Reduce.mean(o.get("x"), o.i("dim"), o.b("keepdim"));
            case "sum_dims" -> Reduce.sum(o.get("x"), o.intArray("dims"), o.b("keepdim"));
            case "max_dim" -> {
                Reduce.MaxResult r = Reduce.max(o.get("x"), o.i("dim"), o.b("keepdim"));
                indices[0] = r.indices();
                yield r.values();
            }
            default -> throw new AssertionError("no mapping for op " + c.op());
        });
        if (c.op().equals("max_dim")) {
            assertArrayEquals(Fixtures.ints(c.extra().get("indices").get("data")), indices[0], c.name() + ": argmax indices");
        }
    }
}
