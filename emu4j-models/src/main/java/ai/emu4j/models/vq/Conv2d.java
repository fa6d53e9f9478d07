package ai.emu4j.models.vq;

import ai.emu4j.core.ops.ConvOps;
import ai.emu4j.core.tensor.Tensor;

/** nn.Conv2d with square kernel, one stride and one symmetric padding; weight [Cout, Cin, k, k], bias [Cout]. */
record Conv2d(Tensor weight, Tensor bias, int stride, int padding) {
    static Conv2d load(Params p, String name, int cin, int cout, int k, int stride, int padding) {
        return new Conv2d(p.take(name + ".weight", cout, cin, k, k), p.take(name + ".bias", cout), stride, padding);
    }

    /** x [N, Cin, H, W] -> [N, Cout, H', W']. */
    Tensor forward(Tensor x) {
        return ConvOps.conv(x, weight, bias, new int[] {stride, stride}, new int[] {padding, padding}, new int[] {1, 1}, 1);
    }
}
