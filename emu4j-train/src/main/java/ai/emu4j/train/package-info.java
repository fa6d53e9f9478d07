/**
 * Training: {@link ai.emu4j.train.AdamW} and {@link ai.emu4j.train.Sgd} (torch.optim semantics, checked
 * against PyTorch fixtures), {@link ai.emu4j.train.CosineSchedule} (nanoGPT's get_lr),
 * {@link ai.emu4j.train.GradClip}, {@link ai.emu4j.train.Seeds} and atomic, bit-exact
 * {@link ai.emu4j.train.Checkpoint}s.
 *
 * <p>The loop, with gradient accumulation. Backward accumulates into each parameter's grad, so
 * accumulation needs no helper: scale each micro-batch loss by 1/accum (the mean over the full batch,
 * as if it had been one batch) and step once per accum micro-batches.
 * <pre>{@code
 * Seeds seeds = Seeds.of(1337);
 * Module model = new MLP(widths, Activation::gelu, 0.1f, seeds.init(), seeds.data());
 * Optimizer opt = new AdamW(model.parameters(), new AdamW.Config(6e-4, 0.9, 0.95, 1e-8, 0.1));
 * CosineSchedule sched = new CosineSchedule(6e-4, 6e-5, 100, 5000);
 * for (long step = start; step < end; step++) {
 *     opt.setLr(sched.lr(step));
 *     for (int micro = 0; micro < accum; micro++) {
 *         Batch b = data.sample(seeds.data());              // batch order from the data stream
 *         Losses.crossEntropy(model.forward(b.x()), b.y(), null, -100).mul(1f / accum).backward();
 *     }
 *     GradClip.clipGradNorm(opt.params().values(), 1.0);
 *     opt.step();
 *     opt.zeroGrad();
 *     if ((step + 1) % every == 0) Checkpoint.save(file, model, opt, step + 1, seeds.byName(), sched, Map.of());
 * }
 * }</pre>
 * Everything a step reads is the weights, the optimizer state, the step number and the two Rng
 * streams; a checkpoint holds exactly these, so a run resumed from one continues bit for bit (on the
 * same thread count: parallel kernels split work by it).
 */
package ai.emu4j.train;
