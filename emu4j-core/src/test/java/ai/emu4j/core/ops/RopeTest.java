package ai.emu4j.core.ops;

import ai.emu4j.core.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;

class RopeTest {
    static List<Fixtures.Case> cases() {
        return Fixtures.load("rope");
    }

    @Test
    void fixturesCoverBothPairings() {
        List<Fixtures.Case> cs = cases();
        Fixtures.requireOps(cs, "rope");
        if (cs.stream().noneMatch(c -> c.params().get("interleaved").asBoolean()) || cs.stream().allMatch(c -> c.params().get("interleaved").asBoolean())) {
            throw new AssertionError("rope fixtures must cover both the rotate-half and the interleaved pairing");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesTorch(Fixtures.Case c) {
        Fixtures.check(c, o -> {
            Tensor[] cs = Rope.tables(o.intArray("positions"), o.i("dim"), o.d("theta"), o.d("scale"));
            Fixtures.assertClose(c.name() + " cos table", Fixtures.arr(c.extra().get("cos")), cs[0]);
            Fixtures.assertClose(c.name() + " sin table", Fixtures.arr(c.extra().get("sin")), cs[1]);
            return Rope.apply(o.get("x"), cs[0], cs[1], o.b("interleaved"));
        });
    }
}
