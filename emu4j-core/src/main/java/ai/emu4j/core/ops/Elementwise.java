package ai.emu4j.core.ops;

import ai.emu4j.core.kernels.Parallel;
import ai.emu4j.core.tensor.Shape;
import ai.emu4j.core.tensor.Storage;
import ai.emu4j.core.tensor.Tensor;

import java.util.Arrays;

/**
 * Binary elementwise math with NumPy broadcasting. Broadcasting is done with zero strides, never by
 * materialising the expanded operand; gradients are summed back to each operand's shape.
 */
public final class Elementwise {
    private Elementwise() {}

    /** Below this many elements a loop is cheaper than handing work to the pool. */
    static final int PAR_MIN = 1 << 15;

    enum Op { ADD, SUB, MUL, DIV, MAX, MIN }

    public static Tensor add(Tensor a, Tensor b) {
        Tensor out = binary(Op.ADD, a, b);
        int[] sa = a.shape(), sb = b.shape();
        return out.recordOp("add", new Tensor[] {a, b}, g -> new Tensor[] {
            a.requiresGrad() ? Reduce.sumToShape(g, sa) : null,
            b.requiresGrad() ? Reduce.sumToShape(g, sb) : null});
    }

    public static Tensor sub(Tensor a, Tensor b) {
        Tensor out = binary(Op.SUB, a, b);
        int[] sa = a.shape(), sb = b.shape();
        return out.recordOp("sub", new Tensor[] {a, b}, g -> new Tensor[] {
            a.requiresGrad() ? Reduce.sumToShape(g, sa) : null,
            b.requiresGrad() ? Reduce.sumToShape(mulScalar(g, -1f), sb) : null});
    }

    public static Tensor mul(Tensor a, Tensor b) {
        Tensor out = binary(Op.MUL, a, b);
        int[] sa = a.shape(), sb = b.shape();
        return out.recordOp("mul", new Tensor[] {a, b}, g -> new Tensor[] {
            a.requiresGrad() ? Reduce.sumToShape(binary(Op.MUL, g, b), sa) : null,
            b.requiresGrad() ? Reduce.sumToShape(binary(Op.MUL, g, a), sb) : null});
    }

    public static Tensor div(Tensor a, Tensor b) {
        Tensor out = binary(Op.DIV, a, b);
        int[] sa = a.shape(), sb = b.shape();
        return out.recordOp("div", new Tensor[] {a, b}, g -> {
            Tensor ga = a.requiresGrad() ? Reduce.sumToShape(binary(Op.DIV, g, b), sa) : null;
            // d(a/b)/db = -out/b
            Tensor gb = b.requiresGrad() ? Reduce.sumToShape(mulScalar(binary(Op.DIV, binary(Op.MUL, g, out), b), -1f), sb) : null;
            return new Tensor[] {ga, gb};
        });
    }

    /** Elementwise maximum; where a == b the gradient is split evenly between them, as PyTorch does. */
    public static Tensor maximum(Tensor a, Tensor b) {
        return minMax(Op.MAX, a, b);
    }

    public static Tensor minimum(Tensor a, Tensor b) {
        return minMax(Op.MIN, a, b);
    }

    private static Tensor minMax(Op op, Tensor a, Tensor b) {
        Tensor out = binary(op, a, b);
        int[] sa = a.shape(), sb = b.shape();
        return out.recordOp(op == Op.MAX ? "maximum" : "minimum", new Tensor[] {a, b}, g -> {
            float[] fa = expandTo(a, out.shape()), fb = expandTo(b, out.shape()), fg = g.dataF32();
            float[] ga = new float[fg.length], gb = new float[fg.length];
            for (int i = 0; i < fg.length; i++) {
                if (fa[i] == fb[i]) {
                    ga[i] = 0.5f * fg[i];
                    gb[i] = 0.5f * fg[i];
                } else if (op == Op.MAX ? fa[i] > fb[i] : fa[i] < fb[i]) {
                    ga[i] = fg[i];
                } else {
                    gb[i] = fg[i];
                }
            }
            int[] os = out.shape();
            return new Tensor[] {Reduce.sumToShape(Tensor.of(ga, os), sa), Reduce.sumToShape(Tensor.of(gb, os), sb)};
        });
    }

    static float[] expandTo(Tensor t, int[] shape) {
        return Arrays.equals(t.shape(), shape) ? t.dataF32() : t.expand(shape).toFloatArray();
    }

    public static Tensor addScalar(Tensor a, float s) {
        float[] x = a.dataF32();
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i++) y[i] = x[i] + s;
        return Tensor.of(y, a.shape()).recordOp("add_scalar", new Tensor[] {a}, g -> new Tensor[] {g});
    }

    public static Tensor mulScalar(Tensor a, float s) {
        float[] x = a.dataF32();
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i++) y[i] = x[i] * s;
        return Tensor.of(y, a.shape()).recordOp("mul_scalar", new Tensor[] {a}, g -> new Tensor[] {mulScalar(g, s)});
    }

    /** out = a op b with broadcasting, no graph. */
    static Tensor binary(Op op, Tensor a, Tensor b) {
        int[] sa = a.shape(), sb = b.shape();
        if (Arrays.equals(sa, sb)) {
            float[] x = a.dataF32(), y = b.dataF32();
            float[] z = new float[x.length];
            Parallel.forRange(z.length, PAR_MIN, (s, e) -> flat(op, x, s, 1, y, s, 1, z, s, e - s));
            return Tensor.of(z, sa);
        }
        int[] os = Shape.broadcast(sa, sb);
        int n = Shape.numelInt(os);
        float[] z = new float[n];
        if (n == 0) return Tensor.of(z, os);
        Tensor av = a.expand(os).detach(), bv = b.expand(os).detach();
        Tensor ad = denseOrBroadcast(av), bd = denseOrBroadcast(bv);
        float[] xa = heap(ad), xb = heap(bd);
        long[] st_a = ad.strides(), st_b = bd.strides();
        long oa = ad.offset(), ob = bd.offset();
        int rank = os.length;
        int inner = os[rank - 1];
        int rows = n / inner;
        int sia = (int) st_a[rank - 1], sib = (int) st_b[rank - 1];
        Parallel.forRange(rows, Math.max(1, PAR_MIN / Math.max(1, inner)), (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                long pa = oa, pb = ob;
                int rem = r;
                for (int d = rank - 2; d >= 0; d--) {
                    int i = rem % os[d];
                    rem /= os[d];
                    pa += i * st_a[d];
                    pb += i * st_b[d];
                }
                flat(op, xa, (int) pa, sia, xb, (int) pb, sib, z, r * inner, inner);
            }
        });
        return Tensor.of(z, os);
    }

    /** Keeps zero-stride (broadcast) views as they are but makes any other layout a dense heap copy. */
    private static Tensor denseOrBroadcast(Tensor t) {
        if (t.storage() instanceof Storage.Heap) return t;
        long[] st = t.strides();
        int[] sh = t.shape();
        // Collapse the broadcast dims to 1, densify, then re-expand: the copy is the operand's true size.
        int[] small = sh.clone();
        for (int i = 0; i < sh.length; i++) if (st[i] == 0) small[i] = 1;
        Tensor dense = Tensor.of(t.view(small, st, t.offset()).toFloatArray(), small);
        return dense.expand(sh).detach();
    }

    private static float[] heap(Tensor t) {
        return ((Storage.Heap) t.storage()).data();
    }

    private static void flat(Op op, float[] x, int xo, int xs, float[] y, int yo, int ys, float[] z, int zo, int n) {
        if (xs == 1 && ys == 1) {
            switch (op) {
                case ADD -> { for (int i = 0; i < n; i++) z[zo + i] = x[xo + i] + y[yo + i]; }
                case SUB -> { for (int i = 0; i < n; i++) z[zo + i] = x[xo + i] - y[yo + i]; }
                case MUL -> { for (int i = 0; i < n; i++) z[zo + i] = x[xo + i] * y[yo + i]; }
                case DIV -> { for (int i = 0; i < n; i++) z[zo + i] = x[xo + i] / y[yo + i]; }
                case MAX -> { for (int i = 0; i < n; i++) z[zo + i] = Math.max(x[xo + i], y[yo + i]); }
                case MIN -> { for (int i = 0; i < n; i++) z[zo + i] = Math.min(x[xo + i], y[yo + i]); }
            }
            return;
        }
        switch (op) {
            case ADD -> { for (int i = 0; i < n; i++) z[zo + i] = x[xo + i * xs] + y[yo + i * ys]; }
            case SUB -> { for (int i = 0; i < n; i++) z[zo + i] = x[xo + i * xs] - y[yo + i * ys]; }
            case MUL -> { for (int i = 0; i < n; i++) z[zo + i] = x[xo + i * xs] * y[yo + i * ys]; }
            case DIV -> { for (int i = 0; i < n; i++) z[zo + i] = x[xo + i * xs] / y[yo + i * ys]; }
            case MAX -> { for (int i = 0; i < n; i++) z[zo + i] = Math.max(x[xo + i * xs], y[yo + i * ys]); }
            case MIN -> { for (int i = 0; i < n; i++) z[zo + i] = Math.min(x[xo + i * xs], y[yo + i * ys]); }
        }
    }

    /** Writes src (broadcast to dst's shape) into the heap view dst. No graph: used by backward rules and caches. */
    public static void copyInto(Tensor src, Tensor dst) {
        if (!(dst.storage() instanceof Storage.Heap h)) throw new IllegalArgumentException("copyInto needs a heap F32 destination");
        float[] d = h.data();
        int[] shape = dst.shape();
        float[] s = expandTo(src, shape);
        long[] st = dst.strides();
        long off = dst.offset();
        int rank = shape.length;
        if (rank == 0) {
            d[(int) off] = s[0];
            return;
        }
        int inner = shape[rank - 1];
        if (inner == 0) return;
        int rows = s.length / inner;
        int is = (int) st[rank - 1];
        for (int r = 0; r < rows; r++) {
            long p = off;
            int rem = r;
            for (int k = rank - 2; k >= 0; k--) {
                p += (rem % shape[k]) * st[k];
                rem /= shape[k];
            }
            int base = (int) p;
            if (is == 1) System.arraycopy(s, r * inner, d, base, inner);
            else for (int j = 0; j < inner; j++) d[base + j * is] = s[r * inner + j];
        }
    }
}
