package ai.emu4j.core.ops;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;

/** ConvOps and Resample through autograd against the "conv" family of make_op_fixtures.py. */
class ConvOpsTest {
    static List<Fixtures.Case> cases() {
        return Fixtures.load("conv");
    }

    @Test
    void fixturesCoverEveryOp() {
        Fixtures.requireOps(cases(), "conv", "conv_transpose", "pad", "interpolate", "avg_pool", "max_pool");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesTorch(Fixtures.Case c) {
        Fixtures.check(c, o -> switch (c.op()) {
            case "conv" -> ConvOps.conv(o.get("x"), o.get("w"), o.opt("b"), o.intArray("stride"), o.intArray("padding"),
                    o.intArray("dilation"), o.i("groups"));
            case "conv_transpose" -> ConvOps.convTranspose(o.get("x"), o.get("w"), o.opt("b"), o.intArray("stride"), o.intArray("padding"),
                    o.intArray("output_padding"), o.intArray("dilation"), o.i("groups"));
            case "pad" -> ConvOps.pad(o.get("x"), o.intArray("pads"), o.f("value"));
            case "interpolate" -> Resample.interpolate(o.get("x"), o.intArray("size"),
                    Resample.Mode.valueOf(c.params().get("mode").asText().toUpperCase()), o.b("align_corners"));
            case "avg_pool" -> Resample.avgPool(o.get("x"), o.intArray("kernel"), o.intArray("stride"), o.intArray("padding"), o.b("count_include_pad"));
            case "max_pool" -> Resample.maxPool(o.get("x"), o.intArray("kernel"), o.intArray("stride"), o.intArray("padding"));
            default -> throw new AssertionError("no mapping for op " + c.op());
        });
    }
}
