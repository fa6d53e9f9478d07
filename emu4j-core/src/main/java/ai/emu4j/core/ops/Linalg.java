package ai.emu4j.core.ops;

import ai.emu4j.core.kernels.Gemm;
import ai.emu4j.core.kernels.Linear;
import ai.emu4j.core.kernels.Parallel;
import ai.emu4j.core.tensor.Shape;
import ai.emu4j.core.tensor.Storage;
import ai.emu4j.core.tensor.Tensor;

import java.util.Arrays;

/**
 * Matrix products. Operands that are transposed views are passed to GEMM with a transpose flag rather
 * than copied, so x @ w.T and the backward products (dC @ B^T, A^T @ dC) move no data.
 */
public final class Linalg {
    private Linalg() {}

    /** A matrix operand as GEMM sees it: heap array, offset, leading dimension and transpose flag. */
    private record Operand(float[] data, long offset, long[] batchStrides, int ld, boolean trans) {}

    /**
     * torch.matmul semantics for rank >= 2 operands (batch dims broadcast); a rank-1 operand is
     * treated as a row (left) or column (right) vector and that dim is dropped from the result.
     */
    public static Tensor matmul(Tensor a, Tensor b) {
        if (a.rank() == 0 || b.rank() == 0) throw new IllegalArgumentException("matmul of a scalar");
        // vector @ vector must drop both added dims (a scalar), not only the row dim.
        if (a.rank() == 1) return matmul(a.unsqueeze(0), b).squeeze(b.rank() == 1 ? -1 : -2);
        if (b.rank() == 1) return matmul(a, b.unsqueeze(1)).squeeze(-1);
        int[] sa = a.shape(), sb = b.shape();
        int m = sa[sa.length - 2], k = sa[sa.length - 1], k2 = sb[sb.length - 2], n = sb[sb.length - 1];
        if (k != k2) throw new IllegalArgumentException("matmul shapes " + Arrays.toString(sa) + " and " + Arrays.toString(sb) + " do not align");
        int[] batch = Shape.broadcast(Arrays.copyOf(sa, sa.length - 2), Arrays.copyOf(sb, sb.length - 2));
        int[] outShape = Arrays.copyOf(batch, batch.length + 2);
        outShape[batch.length] = m;
        outShape[batch.length + 1] = n;
        Tensor out = Tensor.zeros(outShape);
        mm(a, b, batch, m, n, k, ((Storage.Heap) out.storage()).data());
        return out.recordOp("matmul", new Tensor[] {a, b}, g -> new Tensor[] {
            a.requiresGrad() ? Reduce.sumToShape(matmul(g, b.transpose(-1, -2)), sa) : null,
            b.requiresGrad() ? Reduce.sumToShape(matmul(a.transpose(-1, -2), g), sb) : null});
    }

    private static void mm(Tensor a, Tensor b, int[] batch, int m, int n, int k, float[] c) {
        Operand oa = operand(a, batch, m, k), ob = operand(b, batch, k, n);
        int batches = Shape.numelInt(batch);
        long work = (long) m * n * k;
        // Many small products (attention heads) run one per thread with GEMM inline; big ones run in
        // turn and let GEMM split each product across the pool.
        int minChunk = work >= (1 << 21) ? batches : 1;
        Parallel.forRange(batches, minChunk, (s, e) -> {
            int[] idx = new int[batch.length];
            for (int bi = s; bi < e; bi++) {
                int rem = bi;
                for (int d = batch.length - 1; d >= 0; d--) {
                    idx[d] = rem % batch[d];
                    rem /= batch[d];
                }
                long offA = oa.offset, offB = ob.offset;
                for (int d = 0; d < batch.length; d++) {
                    offA += idx[d] * oa.batchStrides[d];
                    offB += idx[d] * ob.batchStrides[d];
                }
                // c is freshly allocated (zeros), so beta 1 adds onto it: beta 0 would zero it a second time
                // (GEMM's scaleC, 2 % of a demo training profile).
                Gemm.sgemm(oa.trans, ob.trans, m, n, k, 1f, oa.data, (int) offA, oa.ld, ob.data, (int) offB, ob.ld,
                        1f, c, bi * m * n, n);
            }
        });
    }

    /** Describes t (..., rows, cols) for GEMM, copying only when its inner layout is neither row- nor column-major. */
    private static Operand operand(Tensor t, int[] batch, int rows, int cols) {
        int r = t.rank();
        Tensor v = t;
        long[] st = v.strides();
        boolean heap = v.storage() instanceof Storage.Heap;
        boolean rowMajor = heap && st[r - 1] == 1 && (st[r - 2] >= cols || rows == 1);
        boolean colMajor = heap && !rowMajor && st[r - 2] == 1 && (st[r - 1] >= rows || cols == 1);
        if (!rowMajor && !colMajor) {
            v = Tensor.of(t.toFloatArray(), t.shape());
            st = v.strides();
            rowMajor = true;
        }
        long[] bs = new long[batch.length];
        int lead = batch.length - (r - 2);
        for (int d = 0; d < batch.length; d++) {
            int j = d - lead;
            bs[d] = j < 0 || v.shape()[j] == 1 ? 0 : st[j];
        }
        int ld = rowMajor ? (int) Math.max(st[r - 2], cols) : (int) Math.max(st[r - 1], rows);
        if (rowMajor && rows == 1) ld = Math.max(cols, 1);
        if (colMajor && cols == 1) ld = Math.max(rows, 1);
        return new Operand(((Storage.Heap) v.storage()).data(), v.offset(), bs, Math.max(ld, 1), !rowMajor);
    }

    /**
     * y = x W^T + b with W (out, in) as stored by PyTorch's nn.Linear. x is (..., in). W may be a
     * mapped non-F32 tensor (inference weights), in which case no gradient flows to it.
     */
    public static Tensor linear(Tensor x, Tensor w, Tensor bias) {
        int[] xs = x.shape();
        int in = xs[xs.length - 1];
        if (w.rank() != 2 || w.shape()[1] != in) throw new IllegalArgumentException("linear: input " + Arrays.toString(xs) + " vs weight " + Arrays.toString(w.shape()));
        int outF = w.shape()[0];
        if (w.storage() instanceof Storage.Segment seg && w.isContiguous()) return mappedLinear(x, w, seg, bias, in, outF);
        Tensor x2 = x.reshape(-1, in);
        Tensor y = matmul(x2, w.transpose(0, 1));
        if (bias != null) y = Elementwise.add(y, bias);
        int[] ys = xs.clone();
        ys[ys.length - 1] = outF;
        return y.reshape(ys);
    }

    /**
     * Weights still in their file (F32/F16/BF16 mapped slices): the fused kernel converts inside its
     * SIMD loop, so nothing weight-sized is allocated. The weight gets no gradient (it cannot be
     * trained in place); x and bias still do, for fine-tuning adapters on top of frozen weights.
     */
    private static Tensor mappedLinear(Tensor x, Tensor w, Storage.Segment seg, Tensor bias, int in, int outF) {
        int[] xs = x.shape();
        float[] xd = x.dataF32();
        int m = xd.length / Math.max(1, in);
        float[] y = new float[Math.multiplyExact(m, outF)];
        var wSeg = seg.segment().asSlice(seg.dtype().byteSizeFor(w.offset()), seg.dtype().byteSizeFor(w.numel()));
        Linear.linear(xd, 0, m, in, wSeg, seg.dtype(), bias == null ? null : bias.dataF32(), y, 0, outF);
        int[] ys = xs.clone();
        ys[ys.length - 1] = outF;
        return Tensor.of(y, ys).recordOp("linear_mapped", new Tensor[] {x, bias}, g -> {
            Tensor g2 = g.reshape(m, outF);
            Tensor dx = x.requiresGrad() ? matmul(g2, w.contiguous()).reshape(xs) : null;
            Tensor db = bias != null && bias.requiresGrad() ? Reduce.sumToShape(g2, bias.shape()) : null;
            return new Tensor[] {dx, db};
        });
    }
}
