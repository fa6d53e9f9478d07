package ai.emu4j.core.kernels;

import java.util.Arrays;

/**
 * N-d convolution (1, 2 or 3 spatial dims: NCL, NCHW, NCDHW) and transposed convolution on dense
 * row-major float[] tensors, with PyTorch semantics: per-dim stride, symmetric padding, dilation,
 * groups, optional bias. Conv weights are (Cout, Cin/groups, *kernel); transposed-conv weights are
 * (Cin, Cout/groups, *kernel), as in torch.nn.ConvTransposeNd.
 *
 * <p>Every method <b>overwrites</b> its outputs (y, dx, dw, dbias); callers that accumulate gradients
 * add the result themselves. Buffers may be longer than needed; only the leading elements are used.
 *
 * <p>Strategy: everything is normalised to 3 spatial dims (a 1-d conv is a 1x1xL conv), then
 * <ul>
 *   <li>1x1, stride 1, no padding: the input is already the im2col matrix, so it is one GEMM per
 *       (sample, group) with no copy;</li>
 *   <li>one input channel per group (depthwise and channel-multiplier convs): a direct loop, because
 *       the GEMM would have K = kernel volume (9 for 3x3), far too thin to pay for packing;</li>
 *   <li>2-d 3x3 stride 1 with at least {@value #WINOGRAD_MIN_CHANNELS} channels per group: Winograd
 *       ({@link Winograd}) F(4x4, 3x3), or F(2x2, 3x3) on small maps: 4x or 2.25x fewer multiplies than
 *       im2col. The input gradient of such a conv (padding up to 2) is again one, so backward-data and
 *       stride-1 transposed forward use it too, and so does the weight gradient;</li>
 *   <li>otherwise im2col (one sample at a time, so the column buffer stays one sample big:
 *       Cin/g·kvol × outSpatial floats; the weight gradient of small maps batches a few samples) +
 *       {@link Gemm#sgemm}; backward-data is GEMM + col2im.</li>
 * </ul>
 * Samples are spread over the compute pool when there are at least as many as threads (each thread
 * owns its column buffer and its slice of the output; the inner sgemm then runs inline); with fewer
 * samples the loop runs on the caller and sgemm parallelises internally.
 * {@link ConvReference} is the naive oracle for all of this.
 */
public final class Conv {
    private Conv() {}

    /** Channels per group (in and out) from which 3x3 stride-1 convs use Winograd instead of im2col. */
    static final int WINOGRAD_MIN_CHANNELS = 16;
    /** Weight-gradient GEMM depth (output pixels, over several samples) that small maps are batched up to. */
    private static final int WEIGHT_GRAD_COLUMNS = 1024;

    /**
     * Shape of a convolution. Arrays have one entry per spatial dim (1 to 3) and are copied.
     * Output size per dim is {@code (in + 2*pad - dil*(k-1) - 1) / stride + 1} (floor), as in PyTorch.
     */
    public record Geometry(int batch, int inChannels, int outChannels, int groups,
                           int[] inSize, int[] kernel, int[] stride, int[] padding, int[] dilation) {
        public Geometry {
            inSize = copy(inSize, "inSize");
            kernel = copy(kernel, "kernel");
            stride = copy(stride, "stride");
            padding = copy(padding, "padding");
            dilation = copy(dilation, "dilation");
            int dims = inSize.length;
            if (dims < 1 || dims > 3) throw new IllegalArgumentException("1 to 3 spatial dims supported, got " + dims);
            sameLength(dims, kernel, "kernel");
            sameLength(dims, stride, "stride");
            sameLength(dims, padding, "padding");
            sameLength(dims, dilation, "dilation");
            checkChannels(batch, inChannels, outChannels, groups);
            for (int i = 0; i < dims; i++) {
                checkDim(i, inSize[i], kernel[i], stride[i], padding[i], dilation[i]);
                long span = (long) dilation[i] * (kernel[i] - 1) + 1;
                if (span > (long) inSize[i] + 2L * padding[i])
                    throw new IllegalArgumentException("dim " + i + ": dilated kernel size " + span
                            + " exceeds padded input size " + ((long) inSize[i] + 2L * padding[i]));
            }
            checkSizes(batch, inChannels, outChannels, groups, inSize, kernel, outSizeOf(inSize, kernel, stride, padding, dilation));
        }

        /** Convenience for the common case: the same stride/padding/dilation in every dim. */
        public static Geometry of(int batch, int inChannels, int outChannels, int groups,
                                  int[] inSize, int[] kernel, int stride, int padding, int dilation) {
            int d = inSize.length;
            return new Geometry(batch, inChannels, outChannels, groups, inSize, kernel,
                    filled(d, stride), filled(d, padding), filled(d, dilation));
        }

        public int spatialDims() {
            return inSize.length;
        }

        public int[] outSize() {
            return outSizeOf(inSize, kernel, stride, padding, dilation);
        }

        /** Elements of x: N·Cin·prod(inSize). */
        public int inputLength() {
            return batch * inChannels * prod(inSize);
        }

        /** Elements of y: N·Cout·prod(outSize). */
        public int outputLength() {
            return batch * outChannels * prod(outSize());
        }

        /** Elements of the weight: Cout·(Cin/groups)·prod(kernel). */
        public int weightLength() {
            return outChannels * (inChannels / groups) * prod(kernel);
        }

        /** Forward multiply-add FLOPs, 2·N·Cout·prod(out)·Cin/g·prod(k), counting padding taps. */
        public long flops() {
            return 2L * batch * outChannels * prod(outSize()) * (inChannels / groups) * prod(kernel);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Geometry g && batch == g.batch && inChannels == g.inChannels
                    && outChannels == g.outChannels && groups == g.groups && Arrays.equals(inSize, g.inSize)
                    && Arrays.equals(kernel, g.kernel) && Arrays.equals(stride, g.stride)
                    && Arrays.equals(padding, g.padding) && Arrays.equals(dilation, g.dilation);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(new int[] {batch, inChannels, outChannels, groups, Arrays.hashCode(inSize),
                    Arrays.hashCode(kernel), Arrays.hashCode(stride), Arrays.hashCode(padding), Arrays.hashCode(dilation)});
        }

        @Override
        public String toString() {
            return "Conv.Geometry[N=" + batch + ", Cin=" + inChannels + ", Cout=" + outChannels + ", groups=" + groups
                    + ", in=" + Arrays.toString(inSize) + ", k=" + Arrays.toString(kernel) + ", stride=" + Arrays.toString(stride)
                    + ", pad=" + Arrays.toString(padding) + ", dil=" + Arrays.toString(dilation) + "]";
        }
    }

    /**
     * Shape of a transposed convolution (torch.nn.ConvTransposeNd). Output size per dim is
     * {@code (in-1)*stride - 2*pad + dil*(k-1) + outputPadding + 1}; outputPadding must be smaller than
     * stride or dilation, as PyTorch requires. Its forward is the input gradient of the conv that maps
     * the transposed output (Cout channels) back to the transposed input (Cin channels) with the same weight.
     */
    public record TransposedGeometry(int batch, int inChannels, int outChannels, int groups, int[] inSize,
                                     int[] kernel, int[] stride, int[] padding, int[] outputPadding, int[] dilation) {
        public TransposedGeometry {
            inSize = copy(inSize, "inSize");
            kernel = copy(kernel, "kernel");
            stride = copy(stride, "stride");
            padding = copy(padding, "padding");
            outputPadding = copy(outputPadding, "outputPadding");
            dilation = copy(dilation, "dilation");
            int dims = inSize.length;
            if (dims < 1 || dims > 3) throw new IllegalArgumentException("1 to 3 spatial dims supported, got " + dims);
            sameLength(dims, kernel, "kernel");
            sameLength(dims, stride, "stride");
            sameLength(dims, padding, "padding");
            sameLength(dims, outputPadding, "outputPadding");
            sameLength(dims, dilation, "dilation");
            checkChannels(batch, inChannels, outChannels, groups);
            for (int i = 0; i < dims; i++) {
                checkDim(i, inSize[i], kernel[i], stride[i], padding[i], dilation[i]);
                if (outputPadding[i] < 0 || (outputPadding[i] >= stride[i] && outputPadding[i] >= dilation[i]))
                    throw new IllegalArgumentException("dim " + i + ": outputPadding " + outputPadding[i]
                            + " must be >= 0 and smaller than stride or dilation");
                long out = ((long) inSize[i] - 1) * stride[i] - 2L * padding[i] + (long) dilation[i] * (kernel[i] - 1)
                        + outputPadding[i] + 1;
                if (out < 1) throw new IllegalArgumentException("dim " + i + ": output size " + out + " is not positive");
                if (out > Integer.MAX_VALUE) throw new IllegalArgumentException("dim " + i + ": output size " + out + " too large");
            }
            checkSizes(batch, outChannels, inChannels, groups, outSize(inSize, kernel, stride, padding, outputPadding, dilation), kernel, inSize);
        }

        public int spatialDims() {
            return inSize.length;
        }

        public int[] outSize() {
            return outSize(inSize, kernel, stride, padding, outputPadding, dilation);
        }

        private static int[] outSize(int[] in, int[] k, int[] s, int[] p, int[] op, int[] d) {
            int[] out = new int[in.length];
            for (int i = 0; i < in.length; i++) out[i] = (in[i] - 1) * s[i] - 2 * p[i] + d[i] * (k[i] - 1) + op[i] + 1;
            return out;
        }

        public int inputLength() {
            return batch * inChannels * prod(inSize);
        }

        public int outputLength() {
            return batch * outChannels * prod(outSize());
        }

        /** Elements of the weight: Cin·(Cout/groups)·prod(kernel). */
        public int weightLength() {
            return inChannels * (outChannels / groups) * prod(kernel);
        }

        /** Same count as the conv it transposes: 2·N·Cin·prod(in)·Cout/g·prod(k). */
        public long flops() {
            return 2L * batch * inChannels * prod(inSize) * (outChannels / groups) * prod(kernel);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof TransposedGeometry g && batch == g.batch && inChannels == g.inChannels
                    && outChannels == g.outChannels && groups == g.groups && Arrays.equals(inSize, g.inSize)
                    && Arrays.equals(kernel, g.kernel) && Arrays.equals(stride, g.stride)
                    && Arrays.equals(padding, g.padding) && Arrays.equals(outputPadding, g.outputPadding)
                    && Arrays.equals(dilation, g.dilation);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(new int[] {batch, inChannels, outChannels, groups, Arrays.hashCode(inSize),
                    Arrays.hashCode(kernel), Arrays.hashCode(stride), Arrays.hashCode(padding),
                    Arrays.hashCode(outputPadding), Arrays.hashCode(dilation)});
        }

        @Override
        public String toString() {
            return "Conv.TransposedGeometry[N=" + batch + ", Cin=" + inChannels + ", Cout=" + outChannels + ", groups=" + groups
                    + ", in=" + Arrays.toString(inSize) + ", k=" + Arrays.toString(kernel) + ", stride=" + Arrays.toString(stride)
                    + ", pad=" + Arrays.toString(padding) + ", outPad=" + Arrays.toString(outputPadding)
                    + ", dil=" + Arrays.toString(dilation) + "]";
        }
    }

    // ---- conv ----

    /** y (N, Cout, *out) = conv(x (N, Cin, *in), w (Cout, Cin/g, *k)) + bias (Cout, nullable). Overwrites y. */
    public static void forward(Geometry g, float[] x, float[] w, float[] bias, float[] y) {
        forward(g, x, new FrozenWeights(w), bias, y);
    }

    /**
     * {@link #forward} with weights held as {@link FrozenWeights}: a long-lived one (a read-only mapped
     * model file) computes its Winograd transform on the first call and reuses it, which saves one pass
     * over t²/9 times the weights per call (4x for F(4,3)) and is what an inference loop wants.
     */
    public static void forward(Geometry g, float[] x, FrozenWeights w, float[] bias, float[] y) {
        Plan p = Plan.of(g);
        check(x, g.inputLength(), "x");
        check(w.values(), g.weightLength(), "w");
        check(y, g.outputLength(), "y");
        if (bias != null) check(bias, g.outChannels(), "bias");
        if (p.winograd()) Winograd.forward(p, x, w, y);
        else forward(p, x, w.values(), y);
        if (bias != null) addBias(p.batch, p.cout, p.outSp, bias, y);
    }

    /**
     * A conv weight as F32 values plus the Winograd transforms computed from them so far (at most one per
     * tile size). The values must not change while the object is in use; the transforms are built once, by
     * whichever caller asks first. Weights that may change are wrapped afresh for each call.
     */
    public static final class FrozenWeights {
        private final float[] values;
        private final java.util.concurrent.ConcurrentHashMap<Winograd.Transform, float[]> winograd = new java.util.concurrent.ConcurrentHashMap<>();

        public FrozenWeights(float[] values) {
            this.values = values;
        }

        public float[] values() {
            return values;
        }

        /** Floats held: the values and every transform built so far. */
        public long floats() {
            long n = values.length;
            for (float[] u : winograd.values()) n += u.length;
            return n;
        }

        float[] winograd(Winograd.Transform f, java.util.function.Supplier<float[]> build) {
            return winograd.computeIfAbsent(f, k -> build.get());
        }
    }

    /** dx (N, Cin, *in) = gradient of {@link #forward} w.r.t. x for upstream dy (N, Cout, *out). Overwrites dx. */
    public static void backwardData(Geometry g, float[] dy, float[] w, float[] dx) {
        Plan p = Plan.of(g);
        check(dy, g.outputLength(), "dy");
        check(w, g.weightLength(), "w");
        check(dx, g.inputLength(), "dx");
        backwardData(p, dy, w, dx);
    }

    /**
     * dw (Cout, Cin/g, *k) and dbias (Cout; nullable: skipped) = gradients of {@link #forward} for
     * upstream dy. Overwrites both.
     */
    public static void backwardWeight(Geometry g, float[] x, float[] dy, float[] dw, float[] dbias) {
        Plan p = Plan.of(g);
        check(x, g.inputLength(), "x");
        check(dy, g.outputLength(), "dy");
        check(dw, g.weightLength(), "dw");
        backwardWeight(p, x, dy, dw);
        if (dbias != null) {
            check(dbias, g.outChannels(), "dbias");
            channelSums(p.batch, p.cout, p.outSp, dy, dbias);
        }
    }

    // ---- transposed conv: the same three products with the roles of input and output swapped ----

    /** y (N, Cout, *out) = conv_transpose(x (N, Cin, *in), w (Cin, Cout/g, *k)) + bias (Cout, nullable). Overwrites y. */
    public static void transposedForward(TransposedGeometry g, float[] x, float[] w, float[] bias, float[] y) {
        Plan p = Plan.of(g);
        check(x, g.inputLength(), "x");
        check(w, g.weightLength(), "w");
        check(y, g.outputLength(), "y");
        if (bias != null) check(bias, g.outChannels(), "bias");
        backwardData(p, x, w, y);
        if (bias != null) addBias(p.batch, p.cin, p.inSp, bias, y);
    }

    /** dx (N, Cin, *in) for upstream dy (N, Cout, *out): a plain convolution of dy. Overwrites dx. */
    public static void transposedBackwardData(TransposedGeometry g, float[] dy, float[] w, float[] dx) {
        Plan p = Plan.of(g);
        check(dy, g.outputLength(), "dy");
        check(w, g.weightLength(), "w");
        check(dx, g.inputLength(), "dx");
        forward(p, dy, w, dx);
    }

    /** dw (Cin, Cout/g, *k) and dbias (Cout; nullable) for upstream dy. Overwrites both. */
    public static void transposedBackwardWeight(TransposedGeometry g, float[] x, float[] dy, float[] dw, float[] dbias) {
        Plan p = Plan.of(g);
        check(x, g.inputLength(), "x");
        check(dy, g.outputLength(), "dy");
        check(dw, g.weightLength(), "dw");
        backwardWeight(p, dy, x, dw);
        if (dbias != null) {
            check(dbias, g.outChannels(), "dbias");
            channelSums(p.batch, p.cin, p.inSp, dy, dbias);
        }
    }

    // ---- implementation on a normalised 3-d plan ----

    /**
     * A conv normalised to 3 spatial dims (leading dims padded with size-1, kernel-1 entries) with explicit
     * input and output sizes, so that transposed convs with outputPadding >= stride (where the conv
     * formula would not give back the transposed input size) run on the same code.
     */
    static final class Plan {
        final int batch, cin, cout, groups, cinG, coutG;
        final int id, ih, iw, od, oh, ow;
        final int kd, kh, kw, sd, sh, sw, pd, ph, pw, dd, dh, dw;
        final int inSp, outSp, kvol, colRows;

        private Plan(int batch, int cin, int cout, int groups, int[] in, int[] out, int[] k, int[] s, int[] p, int[] d) {
            this.batch = batch;
            this.cin = cin;
            this.cout = cout;
            this.groups = groups;
            cinG = cin / groups;
            coutG = cout / groups;
            int[] i3 = pad3(in, 1), o3 = pad3(out, 1), k3 = pad3(k, 1), s3 = pad3(s, 1), p3 = pad3(p, 0), d3 = pad3(d, 1);
            id = i3[0]; ih = i3[1]; iw = i3[2];
            od = o3[0]; oh = o3[1]; ow = o3[2];
            kd = k3[0]; kh = k3[1]; kw = k3[2];
            sd = s3[0]; sh = s3[1]; sw = s3[2];
            pd = p3[0]; ph = p3[1]; pw = p3[2];
            dd = d3[0]; dh = d3[1]; dw = d3[2];
            inSp = id * ih * iw;
            outSp = od * oh * ow;
            kvol = kd * kh * kw;
            colRows = cinG * kvol;
        }

        static Plan of(Geometry g) {
            return new Plan(g.batch(), g.inChannels(), g.outChannels(), g.groups(), g.inSize(), g.outSize(),
                    g.kernel(), g.stride(), g.padding(), g.dilation());
        }

        static Plan of(TransposedGeometry g) {
            return new Plan(g.batch(), g.outChannels(), g.inChannels(), g.groups(), g.outSize(), g.inSize(),
                    g.kernel(), g.stride(), g.padding(), g.dilation());
        }

        boolean pointwise() {
            return kvol == 1 && sd == 1 && sh == 1 && sw == 1 && pd == 0 && ph == 0 && pw == 0 && inSp == outSp;
        }

        boolean direct() {
            return cinG == 1 && kvol > 1;
        }

        /**
         * 2-d 3x3, stride 1, no dilation, with enough channels per group that the 16 or 36 small GEMMs
         * of Winograd stay GEMM-bound (below that the transforms dominate; im2col is used).
         */
        boolean winograd() {
            return id == 1 && od == 1 && kd == 1 && kh == 3 && kw == 3 && sh == 1 && sw == 1 && dh == 1 && dw == 1
                    && cinG >= WINOGRAD_MIN_CHANNELS && coutG >= WINOGRAD_MIN_CHANNELS;
        }

        /** The stride-1 conv whose forward is this conv's input gradient: dy padded by k-1-pad, flipped weights. */
        Plan gradientAsConv() {
            return new Plan(batch, cout, cin, groups, new int[] {oh, ow}, new int[] {ih, iw}, new int[] {kh, kw},
                    new int[] {1, 1}, new int[] {kh - 1 - ph, kw - 1 - pw}, new int[] {1, 1});
        }

        /** Valid output index range [lo, hi) along one dim for tap offset off = k*dil - pad. */
        static int lo(int off, int s, int outN) {
            return off >= 0 ? 0 : Math.min(outN, (-off + s - 1) / s);
        }

        static int hi(int off, int s, int inN, int outN) {
            int last = inN - 1 - off;
            return last < 0 ? 0 : Math.min(outN, last / s + 1);
        }
    }

    private static void forward(Plan p, float[] x, float[] w, float[] y) {
        if (p.winograd()) {
            Winograd.forward(p, x, w, y);
            return;
        }
        if (p.direct()) {
            Parallel.forRange(p.batch * p.cout, 1, (s, e) -> {
                for (int u = s; u < e; u++) directForward(p, x, w, y, u / p.cout, u % p.cout);
            });
            return;
        }
        overSamples(p, p.pointwise() ? 0 : p.colRows * p.outSp, (n, col) -> {
            for (int g = 0; g < p.groups; g++) {
                int xOff = (n * p.cin + g * p.cinG) * p.inSp;
                int yOff = (n * p.cout + g * p.coutG) * p.outSp;
                int wOff = g * p.coutG * p.colRows;
                if (p.pointwise()) {
                    Gemm.sgemm(false, false, p.coutG, p.outSp, p.cinG, 1f, w, wOff, p.cinG, x, xOff, p.inSp, 0f, y, yOff, p.outSp);
                } else {
                    im2col(p, x, xOff, col, 0, p.outSp);
                    Gemm.sgemm(false, false, p.coutG, p.outSp, p.colRows, 1f, w, wOff, p.colRows, col, 0, p.outSp, 0f, y, yOff, p.outSp);
                }
            }
        });
    }

    private static void backwardData(Plan p, float[] dy, float[] w, float[] dx) {
        if (p.winograd() && p.ph <= 2 && p.pw <= 2) {
            // A stride-1 conv's input gradient is itself a stride-1 3x3 conv (of dy, with the weight flipped
            // and its channel axes swapped), so it takes the Winograd path too: one weight copy instead
            // of GEMM + col2im's nine scatter-add passes over dx.
            Plan q = p.gradientAsConv();
            Winograd.forward(q, dy, flipTransposed(p, w), dx);
            return;
        }
        if (p.direct()) {
            Parallel.forRange(p.batch * p.groups, 1, (s, e) -> {
                for (int u = s; u < e; u++) directBackwardData(p, dy, w, dx, u / p.groups, u % p.groups);
            });
            return;
        }
        overSamples(p, p.pointwise() ? 0 : p.colRows * p.outSp, (n, col) -> {
            for (int g = 0; g < p.groups; g++) {
                int xOff = (n * p.cin + g * p.cinG) * p.inSp;
                int yOff = (n * p.cout + g * p.coutG) * p.outSp;
                int wOff = g * p.coutG * p.colRows;
                if (p.pointwise()) {
                    Gemm.sgemm(true, false, p.cinG, p.outSp, p.coutG, 1f, w, wOff, p.cinG, dy, yOff, p.outSp, 0f, dx, xOff, p.inSp);
                } else {
                    Gemm.sgemm(true, false, p.colRows, p.outSp, p.coutG, 1f, w, wOff, p.colRows, dy, yOff, p.outSp, 0f, col, 0, p.outSp);
                    col2im(p, col, dx, xOff);
                }
            }
        });
    }

    private static void backwardWeight(Plan p, float[] x, float[] dy, float[] dw) {
        int wLen = p.cout * p.colRows;
        if (p.winograd()) {
            Winograd.backwardWeight(p, x, dy, dw);
            return;
        }
        if (p.direct()) {
            Parallel.forRange(p.cout, 1, (s, e) -> {
                for (int co = s; co < e; co++) directBackwardWeight(p, x, dy, dw, co);
            });
            return;
        }
        // Each chunk of samples sums into its own partial weight gradient (beta = 1 after its first
        // block); the partials are added at the end. Costs one weight-sized buffer per extra thread.
        // Small maps put several samples side by side in the GEMM's K dimension (their columns and a
        // copy of their dy rows), so C is read and written once per block rather than once per sample.
        int chunks = Math.min(p.batch, Parallel.threads());
        float[][] partial = new float[chunks][];
        partial[0] = dw;
        boolean pw = p.pointwise();
        int samples = pw ? 1 : Math.max(1, Math.min((p.batch + chunks - 1) / chunks,
                (WEIGHT_GRAD_COLUMNS + p.outSp - 1) / p.outSp));
        Parallel.forRange(chunks, 1, (cs, ce) -> {
            for (int c = cs; c < ce; c++) {
                float[] acc = c == 0 ? dw : new float[wLen];
                partial[c] = acc;
                float[] col = pw ? null : new float[p.colRows * samples * p.outSp];
                float[] dyBlock = samples > 1 ? new float[p.coutG * samples * p.outSp] : null;
                int n0 = (int) ((long) p.batch * c / chunks), n1 = (int) ((long) p.batch * (c + 1) / chunks);
                for (int n = n0; n < n1; n += samples) {
                    float beta = n == n0 ? 0f : 1f;
                    int count = Math.min(samples, n1 - n), ld = count * p.outSp;
                    for (int g = 0; g < p.groups; g++) {
                        int yOff = (n * p.cout + g * p.coutG) * p.outSp;
                        int wOff = g * p.coutG * p.colRows;
                        if (pw) {
                            int xOff = (n * p.cin + g * p.cinG) * p.inSp;
                            Gemm.sgemm(false, true, p.coutG, p.cinG, p.outSp, 1f, dy, yOff, p.outSp, x, xOff, p.inSp, beta, acc, wOff, p.cinG);
                            continue;
                        }
                        for (int s = 0; s < count; s++) im2col(p, x, ((n + s) * p.cin + g * p.cinG) * p.inSp, col, s * p.outSp, ld);
                        float[] a = dy;
                        int aOff = yOff;
                        if (count > 1) {
                            for (int s = 0; s < count; s++)
                                for (int co = 0; co < p.coutG; co++)
                                    System.arraycopy(dy, ((n + s) * p.cout + g * p.coutG + co) * p.outSp, dyBlock, co * ld + s * p.outSp, p.outSp);
                            a = dyBlock;
                            aOff = 0;
                        }
                        Gemm.sgemm(false, true, p.coutG, p.colRows, ld, 1f, a, aOff, ld, col, 0, ld, beta, acc, wOff, p.colRows);
                    }
                }
            }
        });
        for (int c = 1; c < chunks; c++) {
            float[] part = partial[c];
            for (int i = 0; i < wLen; i++) dw[i] += part[i];
        }
    }

    /** w'(Cin, Cout/g, kh, kw)[g·cinG + ci, co] = w(Cout, Cin/g, kh, kw)[g·coutG + co, ci] rotated by 180 degrees. */
    private static float[] flipTransposed(Plan p, float[] w) {
        float[] r = new float[p.cout * p.colRows];
        int kv = p.kvol;
        for (int g = 0; g < p.groups; g++)
            for (int co = 0; co < p.coutG; co++)
                for (int ci = 0; ci < p.cinG; ci++) {
                    int src = ((g * p.coutG + co) * p.cinG + ci) * kv;
                    int dst = ((g * p.cinG + ci) * p.coutG + co) * kv;
                    for (int t = 0; t < kv; t++) r[dst + t] = w[src + kv - 1 - t];
                }
        return r;
    }

    @FunctionalInterface
    private interface SampleBody {
        void run(int n, float[] col);
    }

    /**
     * Runs body for every sample with a per-thread column buffer of colLen floats. Spreads samples over
     * the pool only when there is at least one per thread; otherwise sgemm gets the threads.
     */
    private static void overSamples(Plan p, int colLen, SampleBody body) {
        if (p.batch >= Parallel.threads() && Parallel.threads() > 1) {
            Parallel.forRange(p.batch, 1, (s, e) -> {
                float[] col = colLen == 0 ? null : new float[colLen];
                for (int n = s; n < e; n++) body.run(n, col);
            });
        } else {
            float[] col = colLen == 0 ? null : new float[colLen];
            for (int n = 0; n < p.batch; n++) body.run(n, col);
        }
    }

    /**
     * col (Cin/g·kvol rows of length ld, this sample's outSp columns from colOff) = patches of the
     * group's input channels starting at x[xOff]; zero where the tap falls into padding. Stride-1 rows are System.arraycopy runs.
     */
    static void im2col(Plan p, float[] x, int xOff, float[] col, int colOff, int ld) {
        int row = 0;
        for (int c = 0; c < p.cinG; c++) {
            int cBase = xOff + c * p.inSp;
            for (int a = 0; a < p.kd; a++) {
                int offD = a * p.dd - p.pd;
                for (int b = 0; b < p.kh; b++) {
                    int offH = b * p.dh - p.ph;
                    for (int e = 0; e < p.kw; e++, row++) {
                        int offW = e * p.dw - p.pw;
                        int wLo = Plan.lo(offW, p.sw, p.ow), wHi = Math.max(wLo, Plan.hi(offW, p.sw, p.iw, p.ow));
                        int dst = colOff + row * ld;
                        for (int z = 0; z < p.od; z++) {
                            int zi = z * p.sd + offD;
                            for (int y = 0; y < p.oh; y++, dst += p.ow) {
                                int yi = y * p.sh + offH;
                                if (zi < 0 || zi >= p.id || yi < 0 || yi >= p.ih) {
                                    Arrays.fill(col, dst, dst + p.ow, 0f);
                                    continue;
                                }
                                int src = cBase + (zi * p.ih + yi) * p.iw + offW;
                                if (wLo > 0) Arrays.fill(col, dst, dst + wLo, 0f);
                                if (p.sw == 1) {
                                    System.arraycopy(x, src + wLo, col, dst + wLo, wHi - wLo);
                                } else {
                                    for (int o = wLo; o < wHi; o++) col[dst + o] = x[src + o * p.sw];
                                }
                                if (wHi < p.ow) Arrays.fill(col, dst + wHi, dst + p.ow, 0f);
                            }
                        }
                    }
                }
            }
        }
    }

    /** dx (the group's Cin/g channels at xOff) = col2im(col): zeroes them, then adds every tap back. */
    static void col2im(Plan p, float[] col, float[] dx, int xOff) {
        Arrays.fill(dx, xOff, xOff + p.cinG * p.inSp, 0f);
        int row = 0;
        for (int c = 0; c < p.cinG; c++) {
            int cBase = xOff + c * p.inSp;
            for (int a = 0; a < p.kd; a++) {
                int offD = a * p.dd - p.pd;
                for (int b = 0; b < p.kh; b++) {
                    int offH = b * p.dh - p.ph;
                    for (int e = 0; e < p.kw; e++, row++) {
                        int offW = e * p.dw - p.pw;
                        int wLo = Plan.lo(offW, p.sw, p.ow), wHi = Plan.hi(offW, p.sw, p.iw, p.ow);
                        int src = row * p.outSp;
                        for (int z = 0; z < p.od; z++) {
                            int zi = z * p.sd + offD;
                            for (int y = 0; y < p.oh; y++, src += p.ow) {
                                int yi = y * p.sh + offH;
                                if (zi < 0 || zi >= p.id || yi < 0 || yi >= p.ih) continue;
                                int dst = cBase + (zi * p.ih + yi) * p.iw + offW;
                                if (p.sw == 1) {
                                    for (int o = wLo; o < wHi; o++) dx[dst + o] += col[src + o];
                                } else {
                                    for (int o = wLo; o < wHi; o++) dx[dst + o * p.sw] += col[src + o];
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /** One output plane of a conv with one input channel per group: y[n, co] = sum over taps of w·shifted x. */
    private static void directForward(Plan p, float[] x, float[] w, float[] y, int n, int co) {
        int g = co / p.coutG;
        int xBase = (n * p.cin + g) * p.inSp;
        int yBase = (n * p.cout + co) * p.outSp;
        int wBase = co * p.kvol;
        Arrays.fill(y, yBase, yBase + p.outSp, 0f);
        forTaps(p, (tap, yRow, xRow, lo, hi) -> {
            float wv = w[wBase + tap];
            int yo = yBase + yRow, xo = xBase + xRow;
            if (p.sw == 1) {
                for (int o = lo; o < hi; o++) y[yo + o] += wv * x[xo + o];
            } else {
                for (int o = lo; o < hi; o++) y[yo + o] += wv * x[xo + o * p.sw];
            }
        });
    }

    /** dx plane of group g (its single input channel) from the group's Cout/g output planes. */
    private static void directBackwardData(Plan p, float[] dy, float[] w, float[] dx, int n, int g) {
        int xBase = (n * p.cin + g) * p.inSp;
        Arrays.fill(dx, xBase, xBase + p.inSp, 0f);
        for (int co = g * p.coutG; co < (g + 1) * p.coutG; co++) {
            int yBase = (n * p.cout + co) * p.outSp;
            int wBase = co * p.kvol;
            forTaps(p, (tap, yRow, xRow, lo, hi) -> {
                float wv = w[wBase + tap];
                int yo = yBase + yRow, xo = xBase + xRow;
                if (p.sw == 1) {
                    for (int o = lo; o < hi; o++) dx[xo + o] += wv * dy[yo + o];
                } else {
                    for (int o = lo; o < hi; o++) dx[xo + o * p.sw] += wv * dy[yo + o];
                }
            });
        }
    }

    /** dw[co, taps] summed over the batch, with a double accumulator per tap (kvol is small). */
    private static void directBackwardWeight(Plan p, float[] x, float[] dy, float[] dw, int co) {
        int g = co / p.coutG;
        double[] acc = new double[p.kvol];
        for (int n = 0; n < p.batch; n++) {
            int xBase = (n * p.cin + g) * p.inSp;
            int yBase = (n * p.cout + co) * p.outSp;
            forTaps(p, (tap, yRow, xRow, lo, hi) -> {
                int yo = yBase + yRow, xo = xBase + xRow;
                float s = 0f;
                if (p.sw == 1) {
                    for (int o = lo; o < hi; o++) s += dy[yo + o] * x[xo + o];
                } else {
                    for (int o = lo; o < hi; o++) s += dy[yo + o] * x[xo + o * p.sw];
                }
                acc[tap] += s;
            });
        }
        for (int t = 0; t < p.kvol; t++) dw[co * p.kvol + t] = (float) acc[t];
    }

    @FunctionalInterface
    private interface TapRow {
        /** One output row (offset yRow in the plane) and kernel tap; x index of output o is xRow + o·sw. */
        void run(int tap, int yRow, int xRow, int lo, int hi);
    }

    /** Enumerates (tap, output row) pairs whose input row is inside the image, with the valid w-range. */
    private static void forTaps(Plan p, TapRow body) {
        int tap = 0;
        for (int a = 0; a < p.kd; a++) {
            int offD = a * p.dd - p.pd;
            for (int b = 0; b < p.kh; b++) {
                int offH = b * p.dh - p.ph;
                for (int e = 0; e < p.kw; e++, tap++) {
                    int offW = e * p.dw - p.pw;
                    int lo = Plan.lo(offW, p.sw, p.ow), hi = Plan.hi(offW, p.sw, p.iw, p.ow);
                    if (lo >= hi) continue;
                    for (int z = 0; z < p.od; z++) {
                        int zi = z * p.sd + offD;
                        if (zi < 0 || zi >= p.id) continue;
                        for (int y = 0; y < p.oh; y++) {
                            int yi = y * p.sh + offH;
                            if (yi < 0 || yi >= p.ih) continue;
                            body.run(tap, (z * p.oh + y) * p.ow, (zi * p.ih + yi) * p.iw + offW, lo, hi);
                        }
                    }
                }
            }
        }
    }

    private static void addBias(int batch, int channels, int spatial, float[] bias, float[] y) {
        for (int n = 0; n < batch; n++) {
            for (int c = 0; c < channels; c++) {
                int base = (n * channels + c) * spatial;
                float b = bias[c];
                for (int i = 0; i < spatial; i++) y[base + i] += b;
            }
        }
    }

    /** out[c] = sum over batch and spatial positions of t[n, c, :], accumulated in double. */
    private static void channelSums(int batch, int channels, int spatial, float[] t, float[] out) {
        for (int c = 0; c < channels; c++) {
            double acc = 0;
            for (int n = 0; n < batch; n++) {
                int base = (n * channels + c) * spatial;
                for (int i = 0; i < spatial; i++) acc += t[base + i];
            }
            out[c] = (float) acc;
        }
    }

    // ---- validation helpers (shared by both geometries) ----

    private static int[] copy(int[] a, String name) {
        if (a == null) throw new IllegalArgumentException(name + " is null");
        return a.clone();
    }

    private static void sameLength(int dims, int[] a, String name) {
        if (a.length != dims)
            throw new IllegalArgumentException(name + " has " + a.length + " entries but inSize has " + dims);
    }

    private static void checkChannels(int batch, int cin, int cout, int groups) {
        if (batch < 1 || cin < 1 || cout < 1 || groups < 1)
            throw new IllegalArgumentException("batch, channels and groups must be positive: batch=" + batch
                    + " inChannels=" + cin + " outChannels=" + cout + " groups=" + groups);
        if (cin % groups != 0 || cout % groups != 0)
            throw new IllegalArgumentException("groups=" + groups + " must divide inChannels=" + cin + " and outChannels=" + cout);
    }

    private static void checkDim(int i, int in, int k, int s, int p, int d) {
        if (in < 1 || k < 1 || s < 1 || d < 1 || p < 0)
            throw new IllegalArgumentException("dim " + i + ": need inSize, kernel, stride, dilation >= 1 and padding >= 0, got in="
                    + in + " k=" + k + " stride=" + s + " pad=" + p + " dil=" + d);
    }

    /** Checks that every tensor of the conv (x, y, weight, one column buffer) fits in an int-indexed array. */
    private static void checkSizes(int batch, int cin, int cout, int groups, int[] in, int[] k, int[] out) {
        long inSp = prodL(in), outSp = prodL(out), kv = prodL(k);
        long[] sizes = {batch * cin * inSp, batch * cout * outSp, cout * (cin / groups) * kv, (cin / groups) * kv * outSp};
        for (long s : sizes)
            if (s > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("tensor of " + s + " elements exceeds array limits");
    }

    private static int[] outSizeOf(int[] in, int[] k, int[] s, int[] p, int[] d) {
        int[] out = new int[in.length];
        for (int i = 0; i < in.length; i++) {
            long span = (long) d[i] * (k[i] - 1) + 1;
            out[i] = (int) (((long) in[i] + 2L * p[i] - span) / s[i] + 1);
        }
        return out;
    }

    private static int[] pad3(int[] a, int fill) {
        int[] r = {fill, fill, fill};
        System.arraycopy(a, 0, r, 3 - a.length, a.length);
        return r;
    }

    private static int[] filled(int n, int v) {
        int[] r = new int[n];
        Arrays.fill(r, v);
        return r;
    }

    static int prod(int[] a) {
        int r = 1;
        for (int v : a) r *= v;
        return r;
    }

    private static long prodL(int[] a) {
        long r = 1;
        for (int v : a) r *= v;
        return r;
    }

    private static void check(float[] a, int needed, String name) {
        if (a == null) throw new IllegalArgumentException(name + " is null");
        if (a.length < needed) throw new IllegalArgumentException(name + " has " + a.length + " elements, needs " + needed);
    }
}
