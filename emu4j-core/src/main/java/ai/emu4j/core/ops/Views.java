package ai.emu4j.core.ops;

import ai.emu4j.core.tensor.Shape;
import ai.emu4j.core.tensor.Tensor;

import java.util.Arrays;

/** Zero-copy views and their gradients. Only reshape of a non-contiguous tensor and contiguous() copy. */
public final class Views {
    private Views() {}

    public static Tensor reshape(Tensor x, int... newShape) {
        int[] s = inferShape(newShape, x.numel());
        int[] old = x.shape();
        Tensor src = x.isContiguous() ? x : contiguous(x);
        Tensor out = src.view(s, Shape.contiguousStrides(s), src.offset());
        return out.recordOp("reshape", new Tensor[] {src}, g -> new Tensor[] {reshape(g, old)});
    }

    private static int[] inferShape(int[] shape, long numel) {
        int[] s = shape.clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < s.length; i++) {
            if (s[i] == -1) {
                if (infer >= 0) throw new IllegalArgumentException("only one -1 allowed in reshape " + Arrays.toString(shape));
                infer = i;
            } else {
                if (s[i] < 0) throw new IllegalArgumentException("invalid reshape " + Arrays.toString(shape));
                known = Math.multiplyExact(known, s[i]);
            }
        }
        if (infer >= 0) {
            if (known == 0 || numel % known != 0) throw new IllegalArgumentException("cannot reshape " + numel + " elements to " + Arrays.toString(shape));
            s[infer] = Math.toIntExact(numel / known);
        }
        if (Shape.numel(s) != numel) throw new IllegalArgumentException("cannot reshape " + numel + " elements to " + Arrays.toString(shape));
        return s;
    }

    public static Tensor permute(Tensor x, int... dims) {
        int r = x.rank();
        if (dims.length != r) throw new IllegalArgumentException("permute " + Arrays.toString(dims) + " for rank " + r);
        int[] shape = x.shape();
        long[] strides = x.strides();
        int[] ns = new int[r];
        long[] nst = new long[r];
        int[] inverse = new int[r];
        boolean[] used = new boolean[r];
        for (int i = 0; i < r; i++) {
            int d = Shape.dim(dims[i], r);
            if (used[d]) throw new IllegalArgumentException("repeated dimension in permute " + Arrays.toString(dims));
            used[d] = true;
            ns[i] = shape[d];
            nst[i] = strides[d];
            inverse[d] = i;
        }
        return x.view(ns, nst, x.offset()).recordOp("permute", new Tensor[] {x}, g -> new Tensor[] {permute(g, inverse)});
    }

    public static Tensor transpose(Tensor x, int d0, int d1) {
        int r = x.rank();
        int[] p = new int[r];
        for (int i = 0; i < r; i++) p[i] = i;
        int a = Shape.dim(d0, r), b = Shape.dim(d1, r);
        p[a] = b;
        p[b] = a;
        return permute(x, p);
    }

    public static Tensor slice(Tensor x, int dim, int start, int end, int step) {
        int d = Shape.dim(dim, x.rank());
        int[] shape = x.shape();
        int n = shape[d];
        if (start < 0) start += n;
        if (end < 0) end += n;
        start = Math.max(0, Math.min(start, n));
        end = Math.max(start, Math.min(end, n));
        if (step <= 0) throw new IllegalArgumentException("slice step must be positive: " + step);
        long[] strides = x.strides();
        int len = (end - start + step - 1) / step;
        int[] ns = shape.clone();
        ns[d] = len;
        long[] nst = strides.clone();
        nst[d] = strides[d] * step;
        final int s0 = start;
        return x.view(ns, nst, x.offset() + start * strides[d]).recordOp("slice", new Tensor[] {x}, g -> {
            Tensor full = Tensor.zeros(shape);
            Elementwise.copyInto(g, full.view(ns, sliceStrides(shape, d, step), s0 * Shape.contiguousStrides(shape)[d]));
            return new Tensor[] {full};
        });
    }

    private static long[] sliceStrides(int[] shape, int d, int step) {
        long[] st = Shape.contiguousStrides(shape);
        st[d] *= step;
        return st;
    }

    public static Tensor select(Tensor x, int dim, int index) {
        int d = Shape.dim(dim, x.rank());
        int n = x.shape()[d];
        int i = index < 0 ? index + n : index;
        if (i < 0 || i >= n) throw new IndexOutOfBoundsException("index " + index + " out of range for dimension " + dim + " of size " + n);
        return squeeze(slice(x, d, i, i + 1, 1), d);
    }

    public static Tensor expand(Tensor x, int... newShape) {
        int[] shape = x.shape();
        long[] strides = x.strides();
        int r = newShape.length;
        if (r < shape.length) throw new IllegalArgumentException("cannot expand " + Arrays.toString(shape) + " to " + Arrays.toString(newShape));
        int[] ns = new int[r];
        long[] nst = new long[r];
        for (int i = 0; i < r; i++) {
            int j = i - (r - shape.length);
            int want = newShape[i];
            if (j < 0) {
                if (want < 0) throw new IllegalArgumentException("expand: -1 not allowed for new leading dimensions");
                ns[i] = want;
                nst[i] = 0;
            } else if (want == -1 || want == shape[j]) {
                ns[i] = shape[j];
                nst[i] = strides[j];
            } else if (shape[j] == 1) {
                ns[i] = want;
                nst[i] = 0;
            } else {
                throw new IllegalArgumentException("cannot expand " + Arrays.toString(shape) + " to " + Arrays.toString(newShape));
            }
        }
        return x.view(ns, nst, x.offset()).recordOp("expand", new Tensor[] {x}, g -> new Tensor[] {Reduce.sumToShape(g, shape)});
    }

    public static Tensor unsqueeze(Tensor x, int dim) {
        int r = x.rank() + 1;
        int d = dim < 0 ? dim + r : dim;
        if (d < 0 || d >= r) throw new IllegalArgumentException("unsqueeze dimension " + dim + " for rank " + x.rank());
        int[] s = x.shape();
        int[] ns = new int[r];
        for (int i = 0, j = 0; i < r; i++) ns[i] = i == d ? 1 : s[j++];
        return viewAs(x, ns);
    }

    public static Tensor squeeze(Tensor x, int dim) {
        int d = Shape.dim(dim, x.rank());
        int[] s = x.shape();
        if (s[d] != 1) throw new IllegalArgumentException("squeeze of dimension " + dim + " with size " + s[d]);
        int[] ns = new int[s.length - 1];
        for (int i = 0, j = 0; i < s.length; i++) if (i != d) ns[j++] = s[i];
        return viewAs(x, ns);
    }

    /** Reshape that only inserts or removes size-1 dims: keeps strides, so it never copies. */
    private static Tensor viewAs(Tensor x, int[] ns) {
        int[] s = x.shape();
        long[] st = x.strides();
        long[] nst = new long[ns.length];
        int j = 0;
        for (int i = 0; i < ns.length; i++) {
            while (j < s.length && s[j] == 1 && ns[i] != 1) j++;
            if (j < s.length && s[j] == ns[i]) {
                nst[i] = st[j++];
            } else {
                nst[i] = 0;
            }
        }
        return x.view(ns, nst, x.offset()).recordOp("view", new Tensor[] {x}, g -> new Tensor[] {reshape(g, s)});
    }

    public static Tensor flatten(Tensor x, int startDim, int endDim) {
        int r = x.rank();
        if (r == 0) return reshape(x, 1);
        int a = Shape.dim(startDim, r), b = Shape.dim(endDim, r);
        int[] s = x.shape();
        int[] ns = new int[r - (b - a)];
        int k = 0;
        for (int i = 0; i < a; i++) ns[k++] = s[i];
        long m = 1;
        for (int i = a; i <= b; i++) m = Math.multiplyExact(m, s[i]);
        ns[k++] = Math.toIntExact(m);
        for (int i = b + 1; i < r; i++) ns[k++] = s[i];
        return reshape(x, ns);
    }

    /** A dense F32 heap copy unless already dense; gradient passes straight through. */
    public static Tensor contiguous(Tensor x) {
        if (x.dtype() == ai.emu4j.core.tensor.DType.F32 && x.isContiguous() && x.storage() instanceof ai.emu4j.core.tensor.Storage.Heap h
                && x.offset() == 0 && h.data().length == x.numel()) {
            return x;
        }
        return Tensor.of(x.toFloatArray(), x.shape()).recordOp("contiguous", new Tensor[] {x}, g -> new Tensor[] {g});
    }
}
