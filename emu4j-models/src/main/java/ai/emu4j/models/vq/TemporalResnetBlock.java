package ai.emu4j.models.vq;

import ai.emu4j.core.ops.Norms;
import ai.emu4j.core.ops.Unary;
import ai.emu4j.core.tensor.Tensor;

/**
 * Emu3VisionVQResnetTemporalBlock (input and output widths are equal in Emu3, so no shortcut conv):
 * BatchNorm3d -> swish -> causal conv (3,3,3) -> BatchNorm3d -> swish -> causal conv (3,3,3), plus x.
 */
record TemporalResnetBlock(BatchNorm3d norm1, CausalConv3d conv1, BatchNorm3d norm2, CausalConv3d conv2) {
    private static final int[] K = {3, 3, 3}, S = {1, 1, 1};

    static TemporalResnetBlock load(Params p, String name, int c) {
        return new TemporalResnetBlock(BatchNorm3d.load(p, name + ".norm1", c), CausalConv3d.load(p, name + ".conv1", c, c, K, S),
                BatchNorm3d.load(p, name + ".norm2", c), CausalConv3d.load(p, name + ".conv2", c, c, K, S));
    }

    /** x [B, C, T, H, W] -> same shape. */
    Tensor forward(Tensor x) {
        Tensor h = conv1.forward(Unary.silu(norm1.forward(x)));
        h = conv2.forward(Unary.silu(norm2.forward(h)));
        return x.add(h);
    }

    /** nn.BatchNorm3d in eval mode: running statistics, PyTorch's default eps 1e-5; all params [C]. */
    record BatchNorm3d(Tensor weight, Tensor bias, Tensor running_mean, Tensor running_var) {
        static BatchNorm3d load(Params p, String name, int c) {
            return new BatchNorm3d(p.take(name + ".weight", c), p.take(name + ".bias", c),
                    p.take(name + ".running_mean", c), p.take(name + ".running_var", c));
        }

        Tensor forward(Tensor x) {
            return Norms.batchNorm(x, running_mean, running_var, weight, bias, false, 0.1f, 1e-5f);
        }
    }
}
