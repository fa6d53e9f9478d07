package ai.emu4j.core.ops;

import ai.emu4j.core.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;

class IndexingTest {
    static List<Fixtures.Case> cases() {
        return Fixtures.load("indexing");
    }

    @Test
    void fixturesCoverEveryOp() {
        Fixtures.requireOps(cases(), "embedding", "cat", "stack", "masked_fill");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesTorch(Fixtures.Case c) {
        Fixtures.check(c, o -> switch (c.op()) {
            case "embedding" -> Indexing.embedding(o.get("weight"), o.ints("ids"));
            case "cat" -> Indexing.cat(parts(o), o.i("dim"));
            case "stack" -> Indexing.stack(parts(o), o.i("dim"));
            case "masked_fill" -> Indexing.maskedFill(o.get("x"), o.ints("mask"), o.f("value"));
            default -> throw new AssertionError("no mapping for op " + c.op());
        });
    }

    /** The operands p0, p1, ... in order, as cat and stack take them. */
    private static Tensor[] parts(Fixtures.Operands o) {
        return o.viewed.values().toArray(new Tensor[0]);
    }
}
