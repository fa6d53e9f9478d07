package ai.emu4j.core.ops;

import ai.emu4j.core.kernels.Conv;
import ai.emu4j.core.tensor.Tensor;

import java.util.Arrays;

/**
 * Differentiable convolutions over (N, C, *spatial) with 1 to 3 spatial dims, wrapping the
 * im2col/GEMM kernels in {@link Conv}. Weights follow PyTorch's layouts: (Cout, Cin/groups, *k) for
 * convolution and (Cin, Cout/groups, *k) for transposed convolution.
 */
public final class ConvOps {
    private ConvOps() {}

    public static Tensor conv(Tensor x, Tensor w, Tensor bias, int[] stride, int[] padding, int[] dilation, int groups) {
        int[] xs = x.shape(), ws = w.shape();
        int dims = xs.length - 2;
        if (dims < 1 || dims > 3 || ws.length != xs.length) {
            throw new IllegalArgumentException("conv: input " + Arrays.toString(xs) + " and weight " + Arrays.toString(ws) + " do not form a 1-3d convolution");
        }
        if (ws[1] * groups != xs[1]) {
            throw new IllegalArgumentException("conv: weight " + Arrays.toString(ws) + " expects " + ws[1] * groups + " input channels, input has " + xs[1]);
        }
        var g = new Conv.Geometry(xs[0], xs[1], ws[0], groups, Arrays.copyOfRange(xs, 2, xs.length),
                Arrays.copyOfRange(ws, 2, ws.length), stride, padding, dilation);
        Conv.FrozenWeights weights = FrozenConvWeights.of(w);
        if (weights == null) weights = new Conv.FrozenWeights(w.dataF32());   // may change: wrapped for this call only
        float[] xd = x.dataF32(), wd = weights.values();
        float[] y = new float[g.outputLength()];
        Conv.forward(g, xd, weights, bias == null ? null : bias.dataF32(), y);
        int[] os = outShape(xs[0], ws[0], g.outSize());
        return Tensor.of(y, os).recordOp("conv", new Tensor[] {x, w, bias}, gy -> {
            float[] dy = gy.dataF32();
            Tensor dx = null, dw = null, db = null;
            if (x.requiresGrad()) {
                float[] d = new float[xd.length];
                Conv.backwardData(g, dy, wd, d);
                dx = Tensor.of(d, xs);
            }
            if (w.requiresGrad() || bias != null && bias.requiresGrad()) {
                float[] d = new float[wd.length];
                float[] dbias = bias == null ? null : new float[ws[0]];
                Conv.backwardWeight(g, xd, dy, d, dbias);
                dw = Tensor.of(d, ws);
                if (dbias != null) db = Tensor.of(dbias, bias.shape());
            }
            return new Tensor[] {dx, dw, db};
        });
    }

    /** conv2d with the same stride, padding and dilation on both axes. */
    public static Tensor conv2d(Tensor x, Tensor w, Tensor bias, int stride, int padding, int dilation, int groups) {
        return conv(x, w, bias, new int[] {stride, stride}, new int[] {padding, padding}, new int[] {dilation, dilation}, groups);
    }

    public static Tensor convTranspose(Tensor x, Tensor w, Tensor bias, int[] stride, int[] padding, int[] outputPadding,
                                       int[] dilation, int groups) {
        int[] xs = x.shape(), ws = w.shape();
        int dims = xs.length - 2;
        if (dims < 1 || dims > 3 || ws.length != xs.length || ws[0] != xs[1]) {
            throw new IllegalArgumentException("conv_transpose: input " + Arrays.toString(xs) + " and weight " + Arrays.toString(ws) + " do not match");
        }
        var g = new Conv.TransposedGeometry(xs[0], xs[1], ws[1] * groups, groups, Arrays.copyOfRange(xs, 2, xs.length),
                Arrays.copyOfRange(ws, 2, ws.length), stride, padding, outputPadding, dilation);
        float[] xd = x.dataF32(), wd = w.dataF32();
        float[] y = new float[g.outputLength()];
        Conv.transposedForward(g, xd, wd, bias == null ? null : bias.dataF32(), y);
        int[] os = outShape(xs[0], ws[1] * groups, g.outSize());
        return Tensor.of(y, os).recordOp("conv_transpose", new Tensor[] {x, w, bias}, gy -> {
            float[] dy = gy.dataF32();
            Tensor dx = null, dw = null, db = null;
            if (x.requiresGrad()) {
                float[] d = new float[xd.length];
                Conv.transposedBackwardData(g, dy, wd, d);
                dx = Tensor.of(d, xs);
            }
            if (w.requiresGrad() || bias != null && bias.requiresGrad()) {
                float[] d = new float[wd.length];
                float[] dbias = bias == null ? null : new float[g.outChannels()];
                Conv.transposedBackwardWeight(g, xd, dy, d, dbias);
                dw = Tensor.of(d, ws);
                if (dbias != null) db = Tensor.of(dbias, bias.shape());
            }
            return new Tensor[] {dx, dw, db};
        });
    }

    private static int[] outShape(int n, int c, int[] spatial) {
        int[] os = new int[spatial.length + 2];
        os[0] = n;
        os[1] = c;
        System.arraycopy(spatial, 0, os, 2, spatial.length);
        return os;
    }

    /**
     * Constant padding of the trailing dims, F.pad order: pads = (last_lo, last_hi, prev_lo, prev_hi, ...).
     * Used for the asymmetric (0, 1, 0, 1) pad before a stride-2 downsample and for causal time padding.
     * Negative pads crop.
     */
    public static Tensor pad(Tensor x, int[] pads, float value) {
        int[] s = x.shape();
        if (pads.length % 2 != 0 || pads.length / 2 > s.length) throw new IllegalArgumentException("pad: bad padding spec " + Arrays.toString(pads));
        int[] os = s.clone();
        int[] lo = new int[s.length];
        for (int i = 0; i < pads.length / 2; i++) {
            int d = s.length - 1 - i;
            lo[d] = pads[2 * i];
            os[d] = Math.addExact(Math.addExact(s[d], pads[2 * i]), pads[2 * i + 1]);
            if (os[d] < 0) throw new IllegalArgumentException("pad: " + Arrays.toString(pads) + " crops dimension " + d + " of " + Arrays.toString(s) + " below zero");
        }
        Tensor out = Tensor.full(value, os);
        // Region of the input that survives (negative pads crop it), and where it lands in the output.
        Tensor src = x.detach(), dst = out.detach();
        for (int d = 0; d < s.length; d++) {
            int srcStart = Math.max(0, -lo[d]);
            int dstStart = Math.max(0, lo[d]);
            int len = Math.min(s[d] - srcStart, os[d] - dstStart);
            src = src.slice(d, srcStart, srcStart + Math.max(0, len));
            dst = dst.slice(d, dstStart, dstStart + Math.max(0, len));
        }
        if (src.numel() > 0) Elementwise.copyInto(src, dst);
        int[] negPads = Arrays.stream(pads).map(p -> -p).toArray();
        return out.recordOp("pad", new Tensor[] {x}, g -> new Tensor[] {pad(g, negPads, 0f)});
    }
}
