package ai.emu4j.train.vq;

/**
 * Hyper-parameters of a tokenizer training run. Loss weights follow taming/LlamaGen: the
 * reconstruction term is pixelL1 * |x - x'| + pixelL2 * (x - x')^2 + perceptual * PerceptualLoss,
 * the quantiser term codebook * (||sg z - e||^2 + beta * ||z - sg e||^2) (beta 0.25 on commitment,
 * i.e. NOT taming's legacy swap), the GAN term discWeight * adaptive lambda * hinge from discStart.
 *
 * @param restartEvery window in steps for codebook usage; at its end codes unused in the window
 *                     are re-seeded from current latents (0 disables restarts, windows stay 100 steps)
 * @param decayStart   step from which the learning rate follows a half cosine from lr down to minLr at
 *                     the last step (>= steps: constant lr). A function of the step alone, so a run may
 *                     be resumed with a decay added or moved.
 */
public record VQTrainConfig(int imageSize, int batch, long steps, double lr, double pixelL1, double pixelL2,
                            double perceptual, double codebook, double beta, double discWeight, long discStart,
                            int discNdf, int restartEvery, long checkpointEvery, long seed, double minLr, long decayStart) {
    /** Constant learning rate. */
    public VQTrainConfig(int imageSize, int batch, long steps, double lr, double pixelL1, double pixelL2, double perceptual, double codebook,
                         double beta, double discWeight, long discStart, int discNdf, int restartEvery, long checkpointEvery, long seed) {
        this(imageSize, batch, steps, lr, pixelL1, pixelL2, perceptual, codebook, beta, discWeight, discStart, discNdf, restartEvery,
                checkpointEvery, seed, lr, steps);
    }

    public VQTrainConfig {
        if (!(minLr >= 0) || minLr > lr || decayStart < 0) throw new IllegalArgumentException("invalid training config: 0 <= min-lr <= lr and decay-start >= 0 are required");
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

    /** The learning rate of the step that follows {@code done} finished steps. */
    public double lrAt(long done) {
        if (done < decayStart || steps <= decayStart) return lr;
        double t = Math.min(1.0, (done - decayStart) / (double) (steps - decayStart));
        return minLr + 0.5 * (lr - minLr) * (1 + Math.cos(Math.PI * t));
    }

    public boolean gan() {
        return discWeight > 0;
    }
}
