package ai.emu4j.core.tensor;

import ai.emu4j.core.autograd.Backprop;
import ai.emu4j.core.autograd.GradMode;
import ai.emu4j.core.autograd.Node;
import ai.emu4j.core.ops.Elementwise;
import ai.emu4j.core.ops.Linalg;
import ai.emu4j.core.ops.Reduce;
import ai.emu4j.core.ops.Unary;
import ai.emu4j.core.ops.Views;
import ai.emu4j.core.util.Rng;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * An N-d view (shape, strides, offset) over a {@link Storage}. Results of ops are fresh contiguous F32
 * heap tensors; views (reshape, permute, slice, expand) share storage and cost nothing. When grad mode
 * is on and an input requires grad, the result records a {@link Node} for {@link #backward()}.
 */
public final class Tensor {
    private final Storage storage;
    private final int[] shape;
    private final long[] strides;
    private final long offset;
    private boolean requiresGrad;
    private Node gradFn;
    private boolean graphReleased;
    private Tensor grad;

    Tensor(Storage storage, int[] shape, long[] strides, long offset) {
        this.storage = storage;
        this.shape = shape;
        this.strides = strides;
        this.offset = offset;
    }

    // ---------------------------------------------------------------- creation

    /** Wraps data (no copy) as a contiguous tensor of the given shape. */
    public static Tensor of(float[] data, int... shape) {
        int[] s = shape.length == 0 && data.length != 1 ? new int[] {data.length} : shape.clone();
        if (Shape.numel(s) != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(s) + " needs " + Shape.numel(s) + " elements, data has " + data.length);
        }
        return new Tensor(new Storage.Heap(data), s, Shape.contiguousStrides(s), 0);
    }

    public static Tensor scalar(float v) {
        return new Tensor(new Storage.Heap(new float[] {v}), new int[0], new long[0], 0);
    }

    public static Tensor zeros(int... shape) {
        return of(new float[Shape.numelInt(shape)], shape);
    }

    public static Tensor full(float value, int... shape) {
        float[] d = new float[Shape.numelInt(shape)];
        Arrays.fill(d, value);
        return of(d, shape);
    }

    public static Tensor ones(int... shape) {
        return full(1f, shape);
    }

    public static Tensor randn(Rng rng, int... shape) {
        float[] d = new float[Shape.numelInt(shape)];
        for (int i = 0; i < d.length; i++) d[i] = rng.nextGaussian();
        return of(d, shape);
    }

    /** Uniform in [lo, hi). */
    public static Tensor uniform(Rng rng, float lo, float hi, int... shape) {
        float[] d = new float[Shape.numelInt(shape)];
        for (int i = 0; i < d.length; i++) d[i] = lo + (hi - lo) * rng.nextFloat();
        return of(d, shape);
    }

    public static Tensor arange(int n) {
        float[] d = new float[n];
        for (int i = 0; i < n; i++) d[i] = i;
        return of(d, n);
    }

    /** Integer tensor (I32), e.g. token ids or class targets. */
    public static Tensor ofInts(int[] values, int... shape) {
        int[] s = shape.length == 0 ? new int[] {values.length} : shape.clone();
        if (Shape.numel(s) != values.length) throw new IllegalArgumentException("shape " + Arrays.toString(s) + " does not hold " + values.length + " ints");
        MemorySegment seg = MemorySegment.ofArray(new byte[Math.multiplyExact(values.length, 4)]);
        for (int i = 0; i < values.length; i++) seg.set(Storage.Segment.I32, 4L * i, values[i]);
        return new Tensor(new Storage.Segment(seg, DType.I32), s, Shape.contiguousStrides(s), 0);
    }

    /** A tensor over an existing segment (e.g. a mapped safetensors slice), no copy. */
    public static Tensor fromSegment(MemorySegment segment, DType dtype, int... shape) {
        long need = dtype.byteSizeFor(Shape.numel(shape));
        if (segment.byteSize() != need) {
            throw new IllegalArgumentException("segment holds " + segment.byteSize() + " bytes but " + dtype + " " + Arrays.toString(shape) + " needs " + need);
        }
        return new Tensor(new Storage.Segment(segment, dtype), shape.clone(), Shape.contiguousStrides(shape), 0);
    }

    // ---------------------------------------------------------------- layout

    public int[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    public int size(int dim) {
        return shape[Shape.dim(dim, shape.length)];
    }

    public long numel() {
        return Shape.numel(shape);
    }

    public long[] strides() {
        return strides.clone();
    }

    public long offset() {
        return offset;
    }

    public Storage storage() {
        return storage;
    }

    public DType dtype() {
        return storage.dtype();
    }

    public boolean isContiguous() {
        long expected = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] != 1 && strides[i] != expected) return false;
            expected *= shape[i];
        }
        return true;
    }

    /** True when the elements are exactly the whole backing heap array in row-major order. */
    private boolean isDenseHeap() {
        return storage instanceof Storage.Heap h && offset == 0 && isContiguous() && h.data().length == numel();
    }

    /**
     * The elements as a contiguous row-major F32 array: the backing array itself when the layout
     * allows (callers must treat it as read-only), otherwise a fresh copy.
     */
    public float[] dataF32() {
        if (isDenseHeap()) return ((Storage.Heap) storage).data();
        return copyToArray();
    }

    /** A fresh contiguous F32 copy of the elements. */
    public float[] toFloatArray() {
        return isDenseHeap() ? ((Storage.Heap) storage).data().clone() : copyToArray();
    }

    public int[] toIntArray() {
        int n = Shape.numelInt(shape);
        int[] out = new int[n];
        if (storage instanceof Storage.Segment s && s.dtype() != DType.F32 && !s.dtype().isFloatingPoint()) {
            int[] idx = new int[shape.length];
            for (int i = 0; i < n; i++) {
                out[i] = Math.toIntExact(s.getLong(elementOffset(idx)));
                increment(idx);
            }
            return out;
        }
        float[] f = dataF32();
        for (int i = 0; i < n; i++) out[i] = (int) f[i];
        return out;
    }

    private long elementOffset(int[] idx) {
        long o = offset;
        for (int d = 0; d < idx.length; d++) o += idx[d] * strides[d];
        return o;
    }

    private void increment(int[] idx) {
        for (int d = idx.length - 1; d >= 0; d--) {
            if (++idx[d] < shape[d]) return;
            idx[d] = 0;
        }
    }

    private float[] copyToArray() {
        int n = Shape.numelInt(shape);
        float[] out = new float[n];
        if (n == 0) return out;
        int rank = shape.length;
        if (rank == 0) {
            out[0] = storage.getFloat(offset);
            return out;
        }
        int inner = shape[rank - 1];
        long innerStride = strides[rank - 1];
        int[] idx = new int[rank];
        float[] heap = storage instanceof Storage.Heap h ? h.data() : null;
        for (int pos = 0; pos < n; pos += inner) {
            long base = offset;
            for (int d = 0; d < rank - 1; d++) base += idx[d] * strides[d];
            if (heap != null) {
                if (innerStride == 1) System.arraycopy(heap, (int) base, out, pos, inner);
                else for (int j = 0; j < inner; j++) out[pos + j] = heap[(int) (base + j * innerStride)];
            } else if (innerStride == 1 && storage instanceof Storage.Segment seg) {
                seg.copyTo(base, out, pos, inner);
            } else {
                for (int j = 0; j < inner; j++) out[pos + j] = storage.getFloat(base + j * innerStride);
            }
            for (int d = rank - 2; d >= 0; d--) {
                if (++idx[d] < shape[d]) break;
                idx[d] = 0;
            }
        }
        return out;
    }

    public float item() {
        if (numel() != 1) throw new IllegalStateException("item() on a tensor of shape " + Arrays.toString(shape));
        return storage.getFloat(offset);
    }

    public float get(int... index) {
        if (index.length != shape.length) throw new IllegalArgumentException("index rank " + index.length + " != tensor rank " + shape.length);
        long o = offset;
        for (int d = 0; d < index.length; d++) {
            if (index[d] < 0 || index[d] >= shape[d]) throw new IndexOutOfBoundsException("index " + Arrays.toString(index) + " out of " + Arrays.toString(shape));
            o += index[d] * strides[d];
        }
        return storage.getFloat(o);
    }

    /** A contiguous copy in another storage dtype (values rounded as PyTorch's casts do). */
    public Tensor to(DType dtype) {
        if (dtype == DType.F32) return contiguous();
        int n = Shape.numelInt(shape);
        float[] src = dataF32();
        MemorySegment seg = MemorySegment.ofArray(new byte[Math.toIntExact(dtype.byteSizeFor(n))]);
        var out = new Storage.Segment(seg, dtype);
        boolean fromInts = storage instanceof Storage.Segment s && !s.dtype().isFloatingPoint();
        if (fromInts) {
            int[] ints = toIntArray();
            for (int i = 0; i < n; i++) out.set(i, ints[i]);
        } else {
            for (int i = 0; i < n; i++) out.set(i, dtype.isFloatingPoint() || dtype == DType.BOOL ? src[i] : truncate(src[i]));
        }
        return new Tensor(out, shape.clone(), Shape.contiguousStrides(shape), 0);
    }

    private static double truncate(float v) {
        return v < 0 ? Math.ceil(v) : Math.floor(v);
    }

    /** Raw little-endian bytes of a contiguous copy, e.g. for writing safetensors. */
    public byte[] toBytes() {
        if (storage instanceof Storage.Segment s && isContiguous()) {
            long bytes = s.dtype().byteSizeFor(numel());
            return s.segment().asSlice(s.dtype().byteSizeFor(offset), bytes).toArray(ValueLayout.JAVA_BYTE);
        }
        if (storage instanceof Storage.Segment) return contiguousSegmentCopy().toBytes();
        float[] f = dataF32();
        byte[] out = new byte[Math.multiplyExact(f.length, 4)];
        var seg = MemorySegment.ofArray(out);
        for (int i = 0; i < f.length; i++) seg.set(Storage.Segment.F32, 4L * i, f[i]);
        return out;
    }

    private Tensor contiguousSegmentCopy() {
        var s = (Storage.Segment) storage;
        int n = Shape.numelInt(shape);
        MemorySegment seg = MemorySegment.ofArray(new byte[Math.toIntExact(s.dtype().byteSizeFor(n))]);
        int[] idx = new int[shape.length];
        long bs = s.dtype().byteSize();
        for (int i = 0; i < n; i++) {
            MemorySegment.copy(s.segment(), elementOffset(idx) * bs, seg, i * bs, bs);
            increment(idx);
        }
        return new Tensor(new Storage.Segment(seg, s.dtype()), shape.clone(), Shape.contiguousStrides(shape), 0);
    }

    // ---------------------------------------------------------------- autograd

    public boolean requiresGrad() {
        return requiresGrad;
    }

    /** Marks a leaf as a parameter whose gradient is accumulated into {@link #grad()}. */
    public Tensor requiresGrad(boolean on) {
        if (gradFn != null) throw new IllegalStateException("requiresGrad can only be set on leaf tensors");
        if (on && !(storage instanceof Storage.Heap)) throw new IllegalStateException("only F32 heap tensors can be trained; convert with to(F32) first");
        requiresGrad = on;
        return this;
    }

    public Node gradFn() {
        return gradFn;
    }

    public Tensor grad() {
        return grad;
    }

    public void zeroGrad() {
        grad = null;
    }

    public void setGrad(Tensor g) {
        grad = g;
    }

    /** Adds g into this leaf's gradient buffer (allocated on first use). */
    public void accumulateGrad(Tensor g) {
        if (grad == null) {
            grad = Tensor.of(g.toFloatArray(), shape);
            return;
        }
        float[] dst = grad.dataF32();
        float[] src = g.dataF32();
        for (int i = 0; i < dst.length; i++) dst[i] += src[i];
    }

    /**
     * Drops the recorded graph behind this non-leaf so its buffers can be collected. The tensor is
     * remembered as released: a later backward that reaches it fails, like PyTorch without retain_graph,
     * instead of treating it as a leaf and silently starving everything behind it of gradient.
     */
    public void releaseGraph() {
        if (gradFn != null) graphReleased = true;
        gradFn = null;
    }

    /** True for a non-leaf whose graph an earlier backward (or {@link #releaseGraph()}) freed; use detach() to reuse its value. */
    public boolean isGraphReleased() {
        return graphReleased;
    }

    /**
     * Records op as this tensor's producer when grad mode is on and any input requires grad.
     * Returns this for chaining; ops call it on the fresh tensor they created.
     */
    public Tensor recordOp(String op, Tensor[] inputs, Node.Backward backward) {
        if (!GradMode.isEnabled()) return this;
        for (Tensor in : inputs) {
            if (in != null && in.requiresGrad) {
                gradFn = new Node(op, inputs, backward);
                requiresGrad = true;
                return this;
            }
        }
        return this;
    }

    /** Same data, cut from the graph. */
    public Tensor detach() {
        return new Tensor(storage, shape, strides, offset);
    }

    public void backward() {
        if (numel() != 1) throw new IllegalStateException("backward() without a gradient needs a single-element tensor, got " + Arrays.toString(shape));
        Backprop.backward(this, Tensor.ones(shape));
    }

    public void backward(Tensor gradOutput) {
        Backprop.backward(this, gradOutput);
    }

    /** A view sharing storage; used by {@link Views}. */
    public Tensor view(int[] newShape, long[] newStrides, long newOffset) {
        return new Tensor(storage, newShape, newStrides, newOffset);
    }

    // ---------------------------------------------------------------- views (delegates)

    public Tensor reshape(int... newShape) {
        return Views.reshape(this, newShape);
    }

    public Tensor permute(int... dims) {
        return Views.permute(this, dims);
    }

    public Tensor transpose(int d0, int d1) {
        return Views.transpose(this, d0, d1);
    }

    public Tensor slice(int dim, int start, int end) {
        return Views.slice(this, dim, start, end, 1);
    }

    public Tensor slice(int dim, int start, int end, int step) {
        return Views.slice(this, dim, start, end, step);
    }

    public Tensor select(int dim, int index) {
        return Views.select(this, dim, index);
    }

    public Tensor expand(int... newShape) {
        return Views.expand(this, newShape);
    }

    public Tensor unsqueeze(int dim) {
        return Views.unsqueeze(this, dim);
    }

    public Tensor squeeze(int dim) {
        return Views.squeeze(this, dim);
    }

    public Tensor flatten(int startDim, int endDim) {
        return Views.flatten(this, startDim, endDim);
    }

    public Tensor contiguous() {
        return Views.contiguous(this);
    }

    // ---------------------------------------------------------------- math (delegates)

    public Tensor add(Tensor o) {
        return Elementwise.add(this, o);
    }

    public Tensor sub(Tensor o) {
        return Elementwise.sub(this, o);
    }

    public Tensor mul(Tensor o) {
        return Elementwise.mul(this, o);
    }

    public Tensor div(Tensor o) {
        return Elementwise.div(this, o);
    }

    public Tensor add(float s) {
        return Elementwise.addScalar(this, s);
    }

    public Tensor mul(float s) {
        return Elementwise.mulScalar(this, s);
    }

    public Tensor neg() {
        return Elementwise.mulScalar(this, -1f);
    }

    public Tensor exp() {
        return Unary.exp(this);
    }

    public Tensor log() {
        return Unary.log(this);
    }

    public Tensor matmul(Tensor o) {
        return Linalg.matmul(this, o);
    }

    public Tensor sum() {
        return Reduce.sum(this);
    }

    public Tensor sum(int dim, boolean keepDim) {
        return Reduce.sum(this, dim, keepDim);
    }

    public Tensor mean() {
        return Reduce.mean(this);
    }

    public Tensor mean(int dim, boolean keepDim) {
        return Reduce.mean(this, dim, keepDim);
    }

    @Override
    public String toString() {
        return "Tensor" + Arrays.toString(shape) + " " + dtype() + (requiresGrad ? " requires_grad" : "");
    }
}
