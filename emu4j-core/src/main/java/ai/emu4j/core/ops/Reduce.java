package ai.emu4j.core.ops;

import ai.emu4j.core.kernels.Parallel;
import ai.emu4j.core.tensor.Shape;
import ai.emu4j.core.tensor.Tensor;

import java.util.Arrays;

/** Sum, mean and max reductions. A reduced dimension is treated as the middle of (outer, R, inner). */
public final class Reduce {
    private Reduce() {}

    public static Tensor sum(Tensor x) {
        float[] d = x.dataF32();
        double acc = 0;
        for (float v : d) acc += v;
        int[] s = x.shape();
        return Tensor.scalar((float) acc).recordOp("sum", new Tensor[] {x}, g -> new Tensor[] {Tensor.full(g.item(), s)});
    }

    public static Tensor mean(Tensor x) {
        long n = x.numel();
        return Elementwise.mulScalar(sum(x), 1f / n);
    }

    public static Tensor sum(Tensor x, int dim, boolean keepDim) {
        int[] s = x.shape();
        int d = Shape.dim(dim, s.length);
        Tensor out = sumRaw(x, d, keepDim);
        return out.recordOp("sum_dim", new Tensor[] {x}, g -> new Tensor[] {expandBack(g, s, d, keepDim)});
    }

    public static Tensor mean(Tensor x, int dim, boolean keepDim) {
        int n = x.shape()[Shape.dim(dim, x.rank())];
        return Elementwise.mulScalar(sum(x, dim, keepDim), 1f / n);
    }

    /** Sum over several dimensions (any order, negative allowed). */
    public static Tensor sum(Tensor x, int[] dims, boolean keepDim) {
        int r = x.rank();
        int[] ds = Arrays.stream(dims).map(d -> Shape.dim(d, r)).sorted().distinct().toArray();
        Tensor t = x;
        for (int i = ds.length - 1; i >= 0; i--) t = sum(t, ds[i], keepDim);
        return t;
    }

    static Tensor expandBack(Tensor g, int[] shape, int d, boolean keepDim) {
        Tensor gk = keepDim ? g : g.unsqueeze(d);
        return Tensor.of(gk.expand(shape).toFloatArray(), shape);
    }

    static Tensor sumRaw(Tensor x, int d, boolean keepDim) {
        int[] s = x.shape();
        float[] in = x.dataF32();
        int outer = 1, inner = 1, r = s[d];
        for (int i = 0; i < d; i++) outer *= s[i];
        for (int i = d + 1; i < s.length; i++) inner *= s[i];
        float[] out = new float[outer * inner];
        final int fo = outer, fi = inner;
        if (inner == 1) {
            Parallel.forRange(outer, Math.max(1, Elementwise.PAR_MIN / Math.max(1, r)), (a, b) -> {
                for (int o = a; o < b; o++) {
                    float acc = 0;
                    int base = o * r;
                    for (int k = 0; k < r; k++) acc += in[base + k];
                    out[o] = acc;
                }
            });
        } else {
            Parallel.forRange(fo, Math.max(1, Elementwise.PAR_MIN / Math.max(1, r * fi)), (a, b) -> {
                for (int o = a; o < b; o++) {
                    int ob = o * fi;
                    for (int k = 0; k < r; k++) {
                        int ib = (o * r + k) * fi;
                        for (int j = 0; j < fi; j++) out[ob + j] += in[ib + j];
                    }
                }
            });
        }
        return Tensor.of(out, reducedShape(s, d, keepDim));
    }

    static int[] reducedShape(int[] s, int d, boolean keepDim) {
        if (keepDim) {
            int[] k = s.clone();
            k[d] = 1;
            return k;
        }
        int[] k = new int[s.length - 1];
        for (int i = 0, j = 0; i < s.length; i++) if (i != d) k[j++] = s[i];
        return k;
    }

    /** Values and argmax indices along a dimension. */
    public record MaxResult(Tensor values, int[] indices) {}

    public static MaxResult max(Tensor x, int dim, boolean keepDim) {
        int[] s = x.shape();
        int d = Shape.dim(dim, s.length);
        float[] in = x.dataF32();
        int outer = 1, inner = 1, r = s[d];
        if (r == 0) throw new IllegalArgumentException("max over an empty dimension");
        for (int i = 0; i < d; i++) outer *= s[i];
        for (int i = d + 1; i < s.length; i++) inner *= s[i];
        float[] out = new float[outer * inner];
        int[] idx = new int[outer * inner];
        for (int o = 0; o < outer; o++) {
            for (int j = 0; j < inner; j++) {
                int base = o * r * inner + j;
                float best = in[base];
                int bi = 0;
                for (int k = 1; k < r; k++) {
                    float v = in[base + k * inner];
                    if (v > best || Float.isNaN(v) && !Float.isNaN(best)) {
                        best = v;
                        bi = k;
                    }
                }
                out[o * inner + j] = best;
                idx[o * inner + j] = bi;
            }
        }
        final int fo = outer, fi = inner;
        Tensor values = Tensor.of(out, reducedShape(s, d, keepDim)).recordOp("max_dim", new Tensor[] {x}, g -> {
            float[] gd = g.dataF32();
            float[] gx = new float[in.length];
            for (int o = 0; o < fo; o++) for (int j = 0; j < fi; j++) gx[(o * r + idx[o * fi + j]) * fi + j] = gd[o * fi + j];
            return new Tensor[] {Tensor.of(gx, s)};
        });
        return new MaxResult(values, idx);
    }

    /** Sums g over the dimensions that broadcasting added or stretched, giving a tensor of exactly {@code shape}. */
    public static Tensor sumToShape(Tensor g, int[] shape) {
        int[] gs = g.shape();
        if (Arrays.equals(gs, shape)) return g;
        Tensor t = g;
        int lead = gs.length - shape.length;
        for (int i = 0; i < lead; i++) t = sumRaw(t, 0, false);
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] == 1 && t.shape()[i] != 1) t = sumRaw(t, i, true);
        }
        if (!Arrays.equals(t.shape(), shape)) throw new IllegalStateException("cannot reduce gradient " + Arrays.toString(gs) + " to " + Arrays.toString(shape));
        return t;
    }
}
