package ai.emu4j.train.vq;

import ai.emu4j.core.ops.ConvOps;
import ai.emu4j.core.ops.Elementwise;
import ai.emu4j.core.ops.Norms;
import ai.emu4j.core.tensor.Tensor;
import ai.emu4j.core.util.Rng;
import ai.emu4j.models.nn.Module;

/**
 * taming's PatchGAN NLayerDiscriminator with 3 layers: conv k4 s2 -> LeakyReLU(0.2), then two
 * conv k4 s2 (no bias) -> BatchNorm -> LeakyReLU doubling the width, one conv k4 s1 -> BN ->
 * LeakyReLU, and a conv k4 s1 to one logit per patch. Weights N(0, 0.02), BN weight N(1, 0.02) as
 * taming's weights_init. For 64x64 inputs it scores 6x6 overlapping patches of 70x70 receptive
 * field (clipped by the image). BatchNorm always uses batch statistics: D is only ever trained or
 * used inside a training step, never run in eval mode.
 */
public final class PatchDiscriminator extends Module {
    private static final int LAYERS = 5;
    private final Tensor[] weight = new Tensor[LAYERS], bias = new Tensor[LAYERS], bnWeight = new Tensor[LAYERS], bnBias = new Tensor[LAYERS];
    private final Tensor[] runMean = new Tensor[LAYERS], runVar = new Tensor[LAYERS];
    private final int[] stride = {2, 2, 2, 1, 1};

    public PatchDiscriminator(int ndf, Rng rng) {
        int[] width = {3, ndf, ndf * 2, ndf * 4, ndf * 8, 1};
        for (int l = 0; l < LAYERS; l++) {
            weight[l] = registerParameter("conv" + l + "_weight", Tensor.randn(rng, width[l + 1], width[l], 4, 4).mul(0.02f).detach());
            boolean norm = l >= 1 && l <= 3;
            if (norm) {
                bnWeight[l] = registerParameter("bn" + l + "_weight", Tensor.randn(rng, width[l + 1]).mul(0.02f).add(1f).detach());
                bnBias[l] = registerParameter("bn" + l + "_bias", Tensor.zeros(width[l + 1]));
                runMean[l] = Tensor.zeros(width[l + 1]);
                runVar[l] = Tensor.ones(width[l + 1]);
            } else {
                bias[l] = registerParameter("conv" + l + "_bias", Tensor.zeros(width[l + 1]));
            }
        }
    }

    /** x [B, 3, H, W] -> patch logits [B, 1, H', W']. */
    @Override
    public Tensor forward(Tensor x) {
        Tensor h = x;
        for (int l = 0; l < LAYERS; l++) {
            h = ConvOps.conv2d(h, weight[l], bias[l], stride[l], 1, 1, 1);
            if (bnWeight[l] != null) h = Norms.batchNorm(h, runMean[l], runVar[l], bnWeight[l], bnBias[l], true, 0.1f, 1e-5f);
            if (l < LAYERS - 1) h = Elementwise.maximum(h, h.mul(0.2f));  // LeakyReLU(0.2)
        }
        return h;
    }
}
