package ai.emu4j.core.ops;

import ai.emu4j.core.tensor.DType;
import ai.emu4j.core.tensor.Tensor;
import ai.emu4j.core.util.Rng;
import org.junit.jupiter.api.Test;

import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * Inference reads weights straight from mapped F16/BF16 segments and ids from I32/I64 ones. Every op
 * must give the same result on such a tensor as on its F32 heap twin (which the PyTorch fixtures
 * cover); this exercises the non-heap read paths, including strided views of a segment.
 */
class SegmentInputsTest {
    private final Rng rng = new Rng(5);

    private Tensor bf16(int... shape) {
        return Tensor.randn(rng, shape).to(DType.BF16);
    }

    private static void assertSame(String what, Function<Tensor, Tensor> f, Tensor segment) {
        Tensor heap = segment.to(DType.F32);
        Tensor want = f.apply(heap), got = f.apply(segment);
        assertArrayEquals(want.shape(), got.shape(), what + ": shape");
        Fixtures.assertClose(what, want.toFloatArray(), got.toFloatArray());
    }

    @Test
    void elementwiseAndUnary() {
        Tensor other = Tensor.randn(rng, 3, 7);
        assertSame("add same shape", s -> Elementwise.add(s, other), bf16(3, 7));
        assertSame("mul column broadcast", s -> Elementwise.mul(other, s), bf16(3, 1));
        assertSame("sub row broadcast", s -> Elementwise.sub(s, other), bf16(7).to(DType.F16));
        assertSame("div transposed segment", s -> Elementwise.div(other, Unary.exp(s)), Tensor.randn(rng, 7, 3).to(DType.BF16).transpose(0, 1));
        assertSame("maximum sliced segment", s -> Elementwise.maximum(s, other), Tensor.randn(rng, 3, 14).to(DType.BF16).slice(1, 0, 14, 2));
        assertSame("gelu", Unary::gelu, bf16(13));
        assertSame("scalar ops", s -> Elementwise.addScalar(Elementwise.mulScalar(s, 2f), 1f), bf16(2, 3));
    }

    @Test
    void reductionsSoftmaxNormsViews() {
        assertSame("sum dim", s -> Reduce.sum(s, 1, false), bf16(3, 7));
        assertSame("max dim", s -> Reduce.max(s, 0, true).values(), bf16(3, 7));
        assertSame("softmax dim 0", s -> Softmax.softmax(s, 0), bf16(3, 7));
        assertSame("layerNorm", s -> Norms.layerNorm(s, null, null, 1e-5f), bf16(3, 7));
        assertSame("reshape of transposed segment", s -> s.transpose(0, 1).reshape(-1), bf16(3, 7));
        assertSame("cat with heap", s -> Indexing.cat(new Tensor[] {s, Tensor.ones(2, 7)}, 0), bf16(3, 7));
        Tensor[] cs = Rope.tables(new int[] {0, 1, 2}, 4, 10000, 1);
        assertSame("rope", s -> Rope.apply(s, cs[0], cs[1], false), bf16(2, 3, 4));
    }

    @Test
    void matmulLinearAndAttentionWithMappedWeights() {
        Tensor x = Tensor.randn(rng, 2, 3, 5);
        assertSame("matmul right", w -> Linalg.matmul(x, w), bf16(5, 4));
        assertSame("matmul left transposed", w -> Linalg.matmul(w.transpose(0, 1), x), bf16(3, 2));
        Tensor bias = Tensor.randn(rng, 4);
        Tensor w = bf16(4, 5);
        assertSame("linear", ww -> Linalg.linear(x, ww, bias), w);
        // The activation still gets its gradient when the weight is a frozen mapped tensor.
        Tensor xa = Tensor.of(x.toFloatArray(), x.shape()).requiresGrad(true), xb = Tensor.of(x.toFloatArray(), x.shape()).requiresGrad(true);
        Tensor seed = Tensor.randn(rng, 2, 3, 4);
        Linalg.linear(xa, w, bias).backward(seed);
        Linalg.linear(xb, w.to(DType.F32), bias).backward(seed);
        Fixtures.assertClose("linear grad x", xb.grad().toFloatArray(), xa.grad().toFloatArray());

        Tensor q = Tensor.randn(rng, 1, 4, 3, 4);
        Tensor v = Tensor.randn(rng, 1, 2, 5, 4);
        assertSame("sdpa with bf16 keys", k -> Attention.sdpa(q, k, v, null, true, 0.5f), bf16(1, 2, 5, 4));
    }

    @Test
    void integerAndHalfPrecisionIndexing() {
        Tensor table = Tensor.randn(rng, 6, 3).to(DType.F16);
        Tensor ids = Tensor.ofInts(new int[] {5, 0, 5, 2}, 2, 2);
        assertSame("embedding from F16 table", t -> Indexing.embedding(t, ids), table);
        assertSame("embedding from a transposed table", t -> Indexing.embedding(t.transpose(0, 1), ids), Tensor.randn(rng, 3, 6).to(DType.BF16));
        Tensor heapTable = table.to(DType.F32);
        Fixtures.assertClose("I64 ids", Indexing.embedding(heapTable, ids).toFloatArray(), Indexing.embedding(heapTable, ids.to(DType.I64)).toFloatArray());

        Tensor x = Tensor.randn(rng, 3, 4);
        Tensor mask = Tensor.ofInts(new int[] {1, 0, 0, 1}, 1, 4);
        float[] want = Indexing.maskedFill(x, mask, -7f).toFloatArray();
        Fixtures.assertClose("BOOL mask", want, Indexing.maskedFill(x, mask.to(DType.BOOL), -7f).toFloatArray());
        Fixtures.assertClose("U8 mask", want, Indexing.maskedFill(x, mask.to(DType.U8), -7f).toFloatArray());
        Fixtures.assertClose("F32 mask", want, Indexing.maskedFill(x, mask.to(DType.F32), -7f).toFloatArray());

        Tensor logits = Tensor.randn(rng, 4, 5);
        Tensor t32 = Tensor.ofInts(new int[] {1, -100, 4, 0});
        Fixtures.assertClose("I64 targets", new float[] {Losses.crossEntropy(logits, t32, null, -100).item()},
                new float[] {Losses.crossEntropy(logits, t32.to(DType.I64), null, -100).item()});
    }
}
