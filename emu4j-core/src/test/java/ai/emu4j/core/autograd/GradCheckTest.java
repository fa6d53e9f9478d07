package ai.emu4j.core.autograd;

import ai.emu4j.core.ops.Attention;
import ai.emu4j.core.ops.Elementwise;
import ai.emu4j.core.ops.Indexing;
import ai.emu4j.core.ops.Linalg;
import ai.emu4j.core.ops.Losses;
import ai.emu4j.core.ops.Norms;
import ai.emu4j.core.ops.Reduce;
import ai.emu4j.core.ops.Rope;
import ai.emu4j.core.ops.Softmax;
import ai.emu4j.core.ops.Unary;
import ai.emu4j.core.tensor.Tensor;
import ai.emu4j.core.util.Rng;
import org.junit.jupiter.api.Test;

import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Finite-difference checks of one or more representative ops per family, including chains and
 * views, independent of the PyTorch fixtures (so a wrong fixture and a matching wrong op cannot agree).
 */
class GradCheckTest {
    private static final double EPS = 1e-2, TOL = 1e-2;

    private final Rng rng = new Rng(2024);

    private Tensor randn(int... shape) {
        return Tensor.randn(rng, shape);
    }

    /** Values in [0.5, 2) with random sign: keeps divisions and kinks (abs, max) away from the step. */
    private Tensor awayFromZero(int... shape) {
        float[] d = Tensor.uniform(rng, 0.5f, 2f, shape).toFloatArray();
        for (int i = 0; i < d.length; i++) if (rng.nextFloat() < 0.5f) d[i] = -d[i];
        return Tensor.of(d, shape);
    }

    private static void check(String name, Function<Tensor[], Tensor> f, Tensor... in) {
        GradCheck.check(name, f, EPS, TOL, in);
    }

    @Test
    void checkerRejectsAWrongGradient() {
        // An op whose recorded derivative is twice the truth: the checker must notice.
        Function<Tensor[], Tensor> wrong = x -> {
            float[] d = x[0].toFloatArray();
            float[] y = new float[d.length];
            for (int i = 0; i < d.length; i++) y[i] = d[i] * d[i];
            return Tensor.of(y, x[0].shape()).recordOp("bad_square", new Tensor[] {x[0]}, g -> new Tensor[] {Elementwise.mul(g, Elementwise.mulScalar(x[0], 4f))});
        };
        assertThrows(AssertionError.class, () -> check("bad_square", wrong, randn(3, 4)));
        GradCheck.Result[] r = GradCheck.run(wrong, EPS, randn(5));
        assertTrue(r[0].relError() > 0.3, "rel error " + r[0].relError());
    }

    @Test
    void elementwiseWithBroadcasting() {
        check("div bcast", x -> Elementwise.div(x[0], x[1]), randn(2, 3, 4), awayFromZero(3, 1));
        check("sub/mul bcast", x -> Elementwise.mul(Elementwise.sub(x[0], x[1]), x[0]), randn(3, 4), randn(4));
        check("maximum", x -> Elementwise.maximum(x[0], x[1]), awayFromZero(3, 5), Tensor.zeros(5));
        check("minimum", x -> Elementwise.minimum(x[0], x[1]), awayFromZero(1, 5), Tensor.zeros(3, 1));
        check("scalars", x -> Elementwise.addScalar(Elementwise.mulScalar(x[0], -2.5f), 3f), randn(7));
    }

    @Test
    void unaryActivations() {
        check("gelu∘tanh∘silu", x -> Unary.gelu(Unary.tanh(Unary.silu(x[0]))), randn(13));
        check("geluTanh + quickGelu", x -> Elementwise.add(Unary.geluTanh(x[0]), Unary.quickGelu(x[0])), randn(3, 5));
        check("hardswish/hardsigmoid away from kinks", x -> Elementwise.mul(Unary.hardswish(x[0]), Unary.hardsigmoid(x[0])),
                Tensor.of(new float[] {-5f, -2.5f, -1f, 0.3f, 1.7f, 2.5f, 4f}));
        check("log∘sqrt∘exp", x -> Unary.log(Unary.sqrt(Unary.exp(x[0]))), randn(2, 3));
        check("rsqrt, pow", x -> Elementwise.add(Unary.rsqrt(x[0]), Unary.pow(x[0], -1.5f)), Tensor.uniform(rng, 0.5f, 2f, 7));
        check("sin, cos, square, sigmoid", x -> Unary.sigmoid(Elementwise.add(Unary.square(Unary.sin(x[0])), Unary.cos(x[0]))), randn(5));
        check("abs, relu, clamp", x -> Unary.clamp(Elementwise.add(Unary.abs(x[0]), Unary.relu(x[0])), 0.6f, 3f), awayFromZero(9));
    }

    @Test
    void reductions() {
        check("sum/mean over dims", x -> Elementwise.mul(Reduce.mean(x[0], 1, true), Reduce.sum(x[0], new int[] {1, 2}, true)), randn(2, 3, 5));
        check("max over dim", x -> Reduce.max(x[0], 0, false).values(), Tensor.arange(12).reshape(4, 3).permute(1, 0).contiguous().mul(0.37f));
        check("mean all", x -> Reduce.mean(Unary.square(x[0])), randn(3, 7));
    }

    @Test
    void viewChains() {
        check("permute-slice-reshape-expand", x -> {
            Tensor v = x[0].permute(2, 0, 1).slice(1, 1, 4, 2).reshape(-1, 3).unsqueeze(0).expand(2, -1, -1);
            return Elementwise.mul(v, v.select(0, 1).sum(0, true));
        }, randn(4, 3, 5));
        check("transpose-flatten-contiguous", x -> x[0].transpose(0, 1).flatten(0, 1).contiguous().slice(0, -4, 6).mul(x[0].select(1, 0).sum()), randn(3, 2));
    }

    @Test
    void matmulAndLinear() {
        check("matmul batch broadcast", x -> Linalg.matmul(x[0], x[1]), randn(2, 1, 3, 4), randn(3, 4, 2));
        check("matmul transposed operands", x -> Linalg.matmul(x[0].transpose(0, 1), x[1].transpose(-1, -2)), randn(4, 3), randn(2, 5, 4));
        check("matmul vectors", x -> Elementwise.mul(Linalg.matmul(x[1], x[2]), Linalg.matmul(Linalg.matmul(x[0], x[1]), x[2])), randn(4), randn(4, 3), randn(3));
        check("linear", x -> Linalg.linear(x[0], x[1], x[2]), randn(2, 3, 5), randn(4, 5), randn(4));
    }

    @Test
    void softmaxFamily() {
        check("softmax dim 0", x -> Softmax.softmax(x[0], 0), randn(4, 3));
        check("logSoftmax dim 1 of 3-d", x -> Softmax.logSoftmax(x[0], 1), randn(2, 5, 3));
        check("causal softmax, keys offset by 2", x -> Softmax.causal(x[0], 2), randn(2, 3, 6));
        check("causal softmax, square", x -> Softmax.causal(x[0], 0), randn(1, 2, 4, 4));
    }

    @Test
    void losses() {
        Tensor targets = Tensor.ofInts(new int[] {2, -100, 0, 4, 1});
        Tensor weights = Tensor.of(new float[] {0.5f, 1f, 2f, 1f, 0.25f});
        check("cross entropy weighted, ignore", x -> Losses.crossEntropy(x[0], targets, weights, -100), randn(5, 5));
        check("cross entropy, trainable weights", x -> Losses.crossEntropy(x[0], targets, x[1], -100), randn(5, 5), Tensor.uniform(rng, 0.2f, 2f, 5));
        check("cross entropy plain", x -> Losses.crossEntropy(x[0], Tensor.ofInts(new int[] {1, 0, 2}), null, -100), randn(3, 3));
        check("mse", x -> Losses.mse(x[0], x[1]), randn(3, 4), randn(3, 4));
        check("l1", x -> Losses.l1(x[0], x[1]), awayFromZero(7), Tensor.zeros(7));
    }

    @Test
    void norms() {
        check("layerNorm", x -> Norms.layerNorm(x[0], x[1], x[2], 1e-5f), randn(3, 6), randn(6), randn(6));
        check("rmsNorm", x -> Norms.rmsNorm(x[0], x[1], 1e-6f), randn(2, 2, 5), randn(5));
        check("groupNorm", x -> Norms.groupNorm(x[0], 2, x[1], x[2], 1e-5f), randn(2, 4, 3), randn(4), randn(4));
        check("batchNorm train", x -> Norms.batchNorm(x[0], Tensor.zeros(3), Tensor.ones(3), x[1], x[2], true, 0.1f, 1e-5f), randn(4, 3, 2), randn(3), randn(3));
        check("batchNorm eval", x -> Norms.batchNorm(x[0], Tensor.of(new float[] {0.1f, -0.2f, 0.3f}), Tensor.of(new float[] {0.5f, 1f, 2f}), x[1], x[2], false, 0.1f, 1e-5f),
                randn(4, 3), randn(3), randn(3));
    }

    @Test
    void indexing() {
        Tensor ids = Tensor.ofInts(new int[] {3, 0, 3, 5, 1, 0}, 2, 3);
        check("embedding", x -> Unary.tanh(Indexing.embedding(x[0], ids)), randn(6, 4));
        check("cat + stack", x -> Indexing.stack(new Tensor[] {Indexing.cat(new Tensor[] {x[0], x[1]}, 1), Indexing.cat(new Tensor[] {x[1], x[0]}, -1)}, 1),
                randn(3, 2), randn(3, 4));
        check("maskedFill", x -> Indexing.maskedFill(Unary.exp(x[0]), Tensor.ofInts(new int[] {1, 0, 0, 1}, 1, 4), -2f), randn(3, 4));
    }

    @Test
    void rope() {
        Tensor[] cs = Rope.tables(new int[] {4, 5, 6}, 6, 10000, 1);
        check("rope half", x -> Rope.apply(x[0], cs[0], cs[1], false), randn(2, 3, 6));
        check("rope interleaved on a view", x -> Rope.apply(x[0].transpose(0, 1), cs[0], cs[1], true), randn(3, 2, 6));
    }

    @Test
    void attention() {
        Tensor mask = Tensor.of(new float[] {0, 0, -1.5f, 0, 0, 0.5f, 0, 0, 0, 0}, 2, 5);
        check("sdpa gqa causal offset + mask", x -> Attention.sdpa(x[0], x[1], x[2], mask, true, 0.5f), randn(1, 4, 2, 3), randn(1, 2, 5, 3), randn(1, 2, 5, 2));
        check("sdpa q view", x -> Attention.sdpa(x[0].transpose(1, 2), x[1], x[2], null, false, 0.7f), randn(2, 3, 2, 4), randn(2, 1, 3, 4), randn(2, 1, 3, 4));
    }

    @Test
    void smallNetworkEndToEnd() {
        Tensor targets = Tensor.ofInts(new int[] {1, 3, 0, -100});
        // Inputs scaled up so no row reaching the layer norm is nearly constant: there the norm is so
        // curved that a 1e-2 step measures curvature, not slope.
        check("linear-gelu-layerNorm-linear-CE", x -> {
            Tensor h = Norms.layerNorm(Unary.gelu(Linalg.linear(x[0], x[1], x[2])), null, null, 1e-5f);
            Tensor logits = Linalg.linear(Elementwise.add(h, x[0].slice(1, 0, 3)), x[3], null);
            return Losses.crossEntropy(logits, targets, null, -100);
        }, randn(4, 5).mul(2f), randn(3, 5).mul(2f), randn(3), randn(4, 3));
    }
}
