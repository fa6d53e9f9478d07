package ai.emu4j.core.ops;

import ai.emu4j.core.tensor.Tensor;
import ai.emu4j.core.util.Rng;
import org.junit.jupiter.api.Test;

import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * The PyTorch fixtures are tiny, so they only exercise the serial branch of each kernel; the ops split
 * work across the compute pool above a few ten thousand elements. Here each op runs once on a tensor big
 * enough to be split and once per small row block (the serial branch, which the fixtures vouch for),
 * and forward values and gradients must agree.
 */
class ParallelPathsTest {
    private static final int ROWS = 300, COLS = 251;

    private final Rng rng = new Rng(77);

    /** f must act on rows independently: f(x)[rows a..b] == f(x[rows a..b]). */
    private void assertRowwiseSplitAgrees(String name, Function<Tensor, Tensor> f, Tensor x) {
        int rows = x.shape()[0];
        Tensor big = Tensor.of(x.toFloatArray(), x.shape()).requiresGrad(true);
        Tensor y = f.apply(big);
        Tensor seed = Tensor.randn(rng, y.shape());
        y.backward(seed);
        int block = 7;
        for (int a = 0; a < rows; a += block) {
            int b = Math.min(rows, a + block);
            Tensor part = Tensor.of(x.slice(0, a, b).toFloatArray(), x.slice(0, a, b).shape()).requiresGrad(true);
            Tensor yp = f.apply(part);
            yp.backward(seed.slice(0, a, b).contiguous());
            Fixtures.assertClose(name + " forward rows " + a + ".." + b, yp.toFloatArray(), y.slice(0, a, b).toFloatArray());
            Fixtures.assertClose(name + " grad rows " + a + ".." + b, part.grad().toFloatArray(), big.grad().slice(0, a, b).toFloatArray());
        }
    }

    private Tensor x() {
        return Tensor.randn(rng, ROWS, COLS);
    }

    @Test
    void unaryAndScalarOps() {
        assertRowwiseSplitAgrees("gelu", Unary::gelu, x());
        assertRowwiseSplitAgrees("silu*exp", t -> Elementwise.mul(Unary.silu(t), Unary.exp(t)), x());
    }

    @Test
    void binaryWithBroadcasting() {
        Tensor colBias = Tensor.randn(rng, COLS);
        assertRowwiseSplitAgrees("add row-broadcast", t -> Elementwise.add(t, colBias), x());
        assertRowwiseSplitAgrees("div column-broadcast", t -> Elementwise.div(t, Unary.exp(Reduce.sum(t, 1, true))), x());
        assertRowwiseSplitAgrees("mul transposed", t -> Elementwise.mul(t, t.transpose(0, 1).contiguous().transpose(0, 1)), x());
    }

    @Test
    void reductionsSoftmaxNorms() {
        assertRowwiseSplitAgrees("sum dim 1", t -> Reduce.sum(t, 1, false), x());
        assertRowwiseSplitAgrees("sum dim 1 of 3-d", t -> Reduce.sum(t.unsqueeze(1).expand(-1, 130, -1), 1, false), x());
        assertRowwiseSplitAgrees("softmax", t -> Softmax.softmax(t, -1), x());
        assertRowwiseSplitAgrees("logSoftmax", t -> Softmax.logSoftmax(t, 1), x());
        Tensor w = Tensor.randn(rng, COLS), b = Tensor.randn(rng, COLS);
        assertRowwiseSplitAgrees("layerNorm", t -> Norms.layerNorm(t, w, b, 1e-5f), x());
        assertRowwiseSplitAgrees("rmsNorm", t -> Norms.rmsNorm(t, w, 1e-6f), x());
    }

    @Test
    void largeMatmulMatchesADoubleReference() {
        int m = 131, k = 150, n = 140;
        Tensor a = Tensor.randn(rng, m, k), bt = Tensor.randn(rng, n, k);
        Tensor aLeaf = Tensor.of(a.toFloatArray(), m, k).requiresGrad(true), btLeaf = Tensor.of(bt.toFloatArray(), n, k).requiresGrad(true);
        // b passed as a transposed view: the GEMM must take its transpose flag, not copy.
        Tensor c = Linalg.matmul(aLeaf, btLeaf.transpose(0, 1));
        Tensor g = Tensor.randn(rng, m, n);
        c.backward(g);
        float[] fa = a.toFloatArray(), fb = bt.toFloatArray(), fg = g.toFloatArray();
        float[] want = new float[m * n], wantGa = new float[m * k], wantGb = new float[n * k];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double acc = 0;
                for (int p = 0; p < k; p++) acc += (double) fa[i * k + p] * fb[j * k + p];
                want[i * n + j] = (float) acc;
            }
        }
        for (int i = 0; i < m; i++) {
            for (int p = 0; p < k; p++) {
                double acc = 0;
                for (int j = 0; j < n; j++) acc += (double) fg[i * n + j] * fb[j * k + p];
                wantGa[i * k + p] = (float) acc;
            }
        }
        for (int j = 0; j < n; j++) {
            for (int p = 0; p < k; p++) {
                double acc = 0;
                for (int i = 0; i < m; i++) acc += (double) fg[i * n + j] * fa[i * k + p];
                wantGb[j * k + p] = (float) acc;
            }
        }
        assertArrayEquals(new int[] {m, n}, c.shape());
        Fixtures.assertClose("matmul forward", want, c.toFloatArray());
        Fixtures.assertClose("matmul grad a", wantGa, aLeaf.grad().toFloatArray());
        Fixtures.assertClose("matmul grad b", wantGb, btLeaf.grad().toFloatArray());
    }
}
