package ai.emu4j.train.vq;

/**
 * Hyper-parameters of a tokenizer training run. Loss weights follow taming/LlamaGen: the
 * reconstruction term is pixelL1 * |x - x'| + pixelL2 * (x - x')^2 + perceptual * PerceptualLoss,
 * the quantiser term codebook * (||sg z - e||^2 + beta * ||z - sg e||^2) (beta 0.25 on commitment,
 * i.e. NOT taming's legacy swap), the GAN term discWeight * adaptive lambda * hinge from discStart.
 *
 * @param restartEvery window in steps for codebook usage; at its end codes unused in the window
 *                     are re-seeded from current latents (0 disables restarts, windows stay 100 steps)
 */
public record VQTrainConfig(int imageSize, int batch, long steps, double lr, double pixelL1, double pixelL2,
                            double perceptual, double codebook, double beta, double discWeight, long discStart,
                            int discNdf, int restartEvery, long checkpointEvery, long seed) {
    public VQTrainConfig {
        if (imageSize < 8 || batch <= 0 || steps < 0 || !(lr > 0) || checkpointEvery <= 0 || restartEvery < 0 || discNdf <= 0) {
            throw new IllegalArgumentException("invalid training config: image size >= 8, batch > 0, steps >= 0, lr > 0, checkpoint-every > 0, restart-every >= 0 and disc-ndf > 0 are required");
        }
        // The 3-layer PatchGAN halves three times and then runs two k4 convs: under 32 pixels it has no patch left.
        if (discWeight > 0 && imageSize < 32) throw new IllegalArgumentException("the discriminator needs images of at least 32x32, got " + imageSize);
    }

    /** The usage-window length in steps. */
    public int window() {
        return restartEvery > 0 ? restartEvery : 100;
    }

    public boolean gan() {
        return discWeight > 0;
    }
}
