package ai.emu4j.models.vq;

import ai.emu4j.core.ops.ConvOps;
import ai.emu4j.core.tensor.Tensor;

/**
 * Emu3VisionVQCausalConv3d: F.pad then an unpadded Conv3d. Time is ALWAYS padded (2, 0), whatever
 * the kernel (two zero frames in front, none behind); each spatial axis gets p = k - s split
 * (p/2 + p%2 before, p/2 after), so odd padding puts the extra pixel on the left/top.
 * Weight [Cout, Cin, kt, kh, kw], bias [Cout].
 */
record CausalConv3d(Tensor weight, Tensor bias, int[] stride, int[] pads) {
    static CausalConv3d load(Params p, String name, int cin, int cout, int[] kernel, int[] stride) {
        int ph = kernel[1] - stride[1], pw = kernel[2] - stride[2];
        // F.pad order: (w_left, w_right, h_top, h_bottom, t_front, t_back)
        int[] pads = {pw / 2 + pw % 2, pw / 2, ph / 2 + ph % 2, ph / 2, 2, 0};
        return new CausalConv3d(p.take(name + ".conv.weight", cout, cin, kernel[0], kernel[1], kernel[2]),
                p.take(name + ".conv.bias", cout), stride.clone(), pads);
    }

    /** x [B, Cin, T, H, W] -> [B, Cout, (T + 2 - kt) / st + 1, H', W']. */
    Tensor forward(Tensor x) {
        Tensor padded = ConvOps.pad(x, pads, 0f);
        return ConvOps.conv(padded, weight, bias, stride, new int[] {0, 0, 0}, new int[] {1, 1, 1}, 1);
    }
}
