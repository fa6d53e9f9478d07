package ai.emu4j.models.vq;

import ai.emu4j.core.ops.ConvOps;
import ai.emu4j.core.ops.Elementwise;
import ai.emu4j.core.tensor.Tensor;

/**
 * nn.Conv2d with square kernel, one stride and one symmetric padding; weight [Cout, Cin, k, k], bias [Cout].
 * <p>
 * The engine's conv lowers each sample to an im2col buffer of Cin*k*k x Hout*Wout floats: 4.8 GB for a
 * 3x3 conv over 512 channels at 512x512, which the decoder's last levels need. Larger convs therefore
 * run in bands of output rows (each band's input rows plus the halo, zero rows added only at the
 * image edges), keeping the buffer near {@link #BAND_FLOATS}. Each output row is computed exactly as
 * in one call, so banding does not change the result; it costs one copy of the input rows.
 */
record Conv2d(Tensor weight, Tensor bias, int stride, int padding) {
    /** Column-buffer budget per band: 32M floats = 128 MB. */
    static final long BAND_FLOATS = 32L << 20;

    static Conv2d load(Params p, String name, int cin, int cout, int k, int stride, int padding) {
        return new Conv2d(p.take(name + ".weight", cout, cin, k, k), p.take(name + ".bias", cout), stride, padding);
    }

    /** x [N, Cin, H, W] -> [N, Cout, H', W']. */
    Tensor forward(Tensor x) {
        return forward(x, BAND_FLOATS);
    }

    /** As {@link #forward(Tensor)} with another column-buffer budget (tests use tiny ones to force bands). */
    Tensor forward(Tensor x, long bandFloats) {
        int[] xs = x.shape(), ws = weight.shape();
        int k = ws[2], h = xs[2], hOut = (h + 2 * padding - k) / stride + 1, wOut = (xs[3] + 2 * padding - k) / stride + 1;
        long colPerRow = (long) xs[1] * k * k * wOut;
        int bandRows = (int) Math.max(1, Math.min(hOut, bandFloats / Math.max(1, colPerRow)));
        if (bandRows >= hOut || k == 1 && padding == 0 && stride == 1) return conv(x, padding);
        Tensor out = Tensor.zeros(xs[0], ws[0], hOut, wOut);
        for (int o0 = 0; o0 < hOut; o0 += bandRows) {
            int o1 = Math.min(hOut, o0 + bandRows);
            int in0 = o0 * stride - padding, in1 = (o1 - 1) * stride - padding + k;   // input rows, halo included
            int top = Math.max(0, -in0), bottom = Math.max(0, in1 - h);
            Tensor band = x.slice(2, Math.max(0, in0), Math.min(h, in1));             // [N, Cin, rows, W]
            band = ConvOps.pad(band, new int[] {0, 0, top, bottom}, 0f);              // zero rows only at the edges
            Tensor y = ConvOps.conv(band, weight, bias, new int[] {stride, stride}, new int[] {0, padding}, new int[] {1, 1}, 1);
            Elementwise.copyInto(y, out.slice(2, o0, o1));                            // [N, Cout, o1 - o0, W']
        }
        return out;
    }

    private Tensor conv(Tensor x, int pad) {
        return ConvOps.conv(x, weight, bias, new int[] {stride, stride}, new int[] {pad, pad}, new int[] {1, 1}, 1);
    }
}
