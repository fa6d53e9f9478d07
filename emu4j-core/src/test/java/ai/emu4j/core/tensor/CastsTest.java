package ai.emu4j.core.tensor;

import ai.emu4j.core.ops.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;

/** Tensor.to(dtype) against torch's casts, including round-to-even ties, overflow, subnormals and NaN. */
class CastsTest {
    static List<Fixtures.Case> cases() {
        return Fixtures.load("casts");
    }

    @Test
    void fixturesCoverEveryCast() {
        Fixtures.requireOps(cases(), "cast");
        if (cases().size() < 3) throw new AssertionError("expected bf16, f16 and i32 cast cases");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesTorch(Fixtures.Case c) {
        Fixtures.check(c, o -> switch (c.params().get("dtype").asText()) {
            case "bf16" -> o.get("x").to(DType.BF16).to(DType.F32);
            case "f16" -> o.get("x").to(DType.F16).to(DType.F32);
            case "i32" -> o.get("x").to(DType.I32).to(DType.F32);
            default -> throw new AssertionError("unknown dtype in " + c);
        });
    }
}
