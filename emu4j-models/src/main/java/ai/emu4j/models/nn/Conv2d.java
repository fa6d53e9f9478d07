package ai.emu4j.models.nn;

import ai.emu4j.core.ops.ConvOps;
import ai.emu4j.core.tensor.Tensor;
import ai.emu4j.core.util.Rng;

/**
 * 2-d convolution, x (N, Cin, H, W) to (N, Cout, H', W'), weight (Cout, Cin/groups, k, k) as in
 * torch.nn.Conv2d. Init as torch: U(-1/sqrt(fanIn), 1/sqrt(fanIn)) for weight then bias, with
 * fanIn = Cin/groups * k * k.
 */
public final class Conv2d extends Module {
    private final Tensor weight;
    private final Tensor bias;
    private final int stride, padding, dilation, groups;

    public Conv2d(int inChannels, int outChannels, int kernel, int stride, int padding, int dilation, int groups,
                  boolean bias, Rng rng) {
        if (groups <= 0 || inChannels % groups != 0 || outChannels % groups != 0) {
            throw new IllegalArgumentException("Conv2d: " + inChannels + " -> " + outChannels + " channels do not split into " + groups + " groups");
        }
        this.stride = stride;
        this.padding = padding;
        this.dilation = dilation;
        this.groups = groups;
        int fanIn = inChannels / groups * kernel * kernel;
        float bound = (float) (1 / Math.sqrt(fanIn));
        weight = registerParameter("weight", Tensor.uniform(rng, -bound, bound, outChannels, inChannels / groups, kernel, kernel));
        this.bias = bias ? registerParameter("bias", Tensor.uniform(rng, -bound, bound, outChannels)) : null;
    }

    public Conv2d(int inChannels, int outChannels, int kernel, int stride, int padding, Rng rng) {
        this(inChannels, outChannels, kernel, stride, padding, 1, 1, true, rng);
    }

    public Tensor weight() {
        return weight;
    }

    @Override
    public Tensor forward(Tensor x) {
        return ConvOps.conv2d(x, weight, bias, stride, padding, dilation, groups);
    }
}
