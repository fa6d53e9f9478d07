package ai.emu4j.train.vq;

import ai.emu4j.core.ops.Losses;
import ai.emu4j.core.ops.Unary;
import ai.emu4j.core.tensor.Tensor;
import ai.emu4j.core.util.Rng;
import ai.emu4j.models.vq.Emu3VQTrainable;
import ai.emu4j.models.vq.VQConfig;
import ai.emu4j.models.vq.VQMetrics;
import ai.emu4j.train.AdamW;
import ai.emu4j.train.Checkpoint;
import ai.emu4j.train.Seeds;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Trains an {@link Emu3VQTrainable} on an {@link ImageFolder}. One step:
 * <ol>
 * <li>forward a random batch; the reconstruction is cut from the graph into a leaf x';</li>
 * <li>the reconstruction loss (and, from discStart, the hinge generator loss -mean D(x')) are
 *     back-propagated to x' only, which is cheap; the adaptive weight
 *     lambda = ||grad_W rec|| / (||grad_W gen|| + 1e-4), clamped to [0, 1e4], W = decoder.conv_out.weight,
 *     is computed from those two x' gradients through conv_out alone;</li>
 * <li>ONE backward through the whole model with seed grad_x'(rec) + discWeight * lambda * grad_x'(gen)
 *     plus the quantiser losses, then AdamW; then the discriminator's hinge step.</li>
 * </ol>
 * This equals taming's two autograd.grad calls on the last layer without a second pass through the
 * model. All randomness comes from the two Seeds streams, so a resumed run repeats bit for bit.
 */
public final class VQTrainer {
    private final VQTrainConfig cfg;
    private final ImageFolder data;
    private final Emu3VQTrainable model;
    private final AdamW opt;
    private final PatchDiscriminator disc;
    private final AdamW discOpt;
    private final Seeds seeds;
    /** Code hits in the current usage window; checkpointed, as restarts depend on it. */
    private final long[] hits;
    private long step;
    private final boolean decoderOnly;

    public VQTrainer(VQConfig config, VQTrainConfig cfg, ImageFolder data) {
        this(null, config, cfg, data);
    }

    /**
     * Fine-tunes the decoder side (decoder.*, post_quant_conv.*) of a trained model: encoder and
     * codebook are frozen and dead-code restarts are off, so every image keeps its codes.
     */
    public static VQTrainer decoderOnly(Emu3VQTrainable trained, VQTrainConfig cfg, ImageFolder data) {
        return new VQTrainer(trained, trained.config(), cfg, data);
    }

    private VQTrainer(Emu3VQTrainable trained, VQConfig config, VQTrainConfig cfg, ImageFolder data) {
        this.cfg = cfg;
        this.data = data;
        seeds = Seeds.of(cfg.seed());
        decoderOnly = trained != null;
        model = decoderOnly ? trained : new Emu3VQTrainable(config, seeds.init());
        Map<String, Tensor> params = new LinkedHashMap<>(model.parameters());
        if (decoderOnly) params.keySet().removeIf(name -> !name.startsWith("decoder.") && !name.startsWith("post_quant_conv."));
        opt = new AdamW(params, new AdamW.Config(cfg.lr(), 0.9, 0.95, 1e-8, 0.0));
        disc = cfg.gan() ? new PatchDiscriminator(cfg.discNdf(), seeds.init()) : null;
        discOpt = cfg.gan() ? new AdamW(disc.parameters(), new AdamW.Config(cfg.lr(), 0.5, 0.9, 1e-8, 0.0)) : null;
        hits = new long[config.codebook_size()];
    }

    public Emu3VQTrainable model() {
        return model;
    }

    public long step() {
        return step;
    }

    public StepStats trainStep() {
        Tensor x = data.sample(seeds.data(), cfg.batch());                      // [B, 3, S, S]
        opt.setLr(cfg.lrAt(step));
        if (discOpt != null) discOpt.setLr(cfg.lrAt(step));
        Emu3VQTrainable.Output out = model.forward(x, true, decoderOnly);
        Tensor recon = out.recon();                                             // [B, 3, S, S]

        Tensor leaf = recon.detach().requiresGrad(true);
        Tensor pixel = Unary.abs(leaf.sub(x)).mean().mul((float) cfg.pixelL1()).add(Losses.mse(leaf, x).mul((float) cfg.pixelL2()));
        Tensor perc = cfg.perceptual() > 0 ? PerceptualLoss.of(leaf, x) : Tensor.scalar(0f);
        Tensor rec = pixel.add(perc.mul((float) cfg.perceptual()));
        rec.backward();
        Tensor seed = leaf.grad();

        boolean ganOn = cfg.gan() && step >= cfg.discStart();
        double gen = 0, lambda = 0, dLoss = 0;
        if (ganOn) {
            Tensor fake = recon.detach().requiresGrad(true);
            Tensor g = disc.forward(fake).mean().neg();
            g.backward();
            disc.zeroGrad();
            lambda = adaptiveWeight(out.features(), seed, fake.grad());
            seed = seed.add(fake.grad().mul((float) (cfg.discWeight() * lambda)));
            gen = g.item();
        }
        Tensor vq = out.codebookLoss().add(out.commitLoss().mul((float) cfg.beta())).mul((float) cfg.codebook());
        Tensor total = recon.mul(seed).sum();                                   // d/d recon = seed
        (decoderOnly ? total : total.add(vq)).backward();                       // plus the quantiser terms while they can learn
        opt.step();
        model.zeroGrad();

        if (ganOn) {
            Tensor real = disc.forward(x), fake = disc.forward(recon.detach());
            Tensor d = Unary.relu(real.neg().add(1f)).mean().add(Unary.relu(fake.add(1f)).mean()).mul(0.5f);
            d.backward();
            discOpt.step();
            disc.zeroGrad();
            dLoss = d.item();
        }

        for (int c : out.codes()) hits[c]++;
        double usage = usage(), perplexity = perplexity();
        int restarted = 0;
        step++;
        if (step % cfg.window() == 0) {
            if (cfg.restartEvery() > 0 && !decoderOnly) restarted = restartDeadCodes(out.latents());
            Arrays.fill(hits, 0);
        }
        return new StepStats(step, pixel.item(), perc.item(), out.codebookLoss().item(), out.commitLoss().item(), gen, dLoss, lambda,
                psnr(recon, x), usage, perplexity, restarted);
    }

    /** taming's calculate_adaptive_weight, from the two gradients w.r.t. the reconstruction. */
    private double adaptiveWeight(Tensor features, Tensor dRec, Tensor dGen) {
        double nRec = lastLayerGradNorm(features, dRec), nGen = lastLayerGradNorm(features, dGen);
        return Math.min(1e4, Math.max(0, nRec / (nGen + 1e-4)));
    }

    private double lastLayerGradNorm(Tensor features, Tensor seed) {
        Tensor last = model.lastLayerWeight();
        Tensor w = Tensor.of(last.toFloatArray(), last.shape()).requiresGrad(true);
        model.lastLayer(features.detach(), w).backward(seed);
        double s = 0;
        for (float v : w.grad().dataF32()) s += (double) v * v;
        return Math.sqrt(s);
    }

    /** Codes unused in the window take a random latent of the last batch (drawn from the data stream). */
    private int restartDeadCodes(float[] latents) {
        int e = model.config().embed_dim(), n = latents.length / e;
        int[] dead = IntStream.range(0, hits.length).filter(i -> hits[i] == 0).toArray();
        float[] rows = new float[dead.length * e];
        Rng rng = seeds.data();
        for (int i = 0; i < dead.length; i++) System.arraycopy(latents, rng.nextInt(n) * e, rows, i * e, e);
        model.setCodebookRows(dead, rows);
        return dead.length;
    }

    public double usage() {
        return Arrays.stream(hits).filter(h -> h > 0).count() / (double) hits.length;
    }

    public double perplexity() {
        return VQMetrics.perplexity(hits);
    }

    /** PSNR in dB of a batch in [-1, 1] (peak-to-peak 2). */
    static double psnr(Tensor a, Tensor b) {
        double mse = Losses.mse(a.detach(), b).item();
        return 10 * Math.log10(4 / mse);
    }

    /** Writes model (+ discriminator) training state into dir: train.safetensors, disc.safetensors. */
    public void save(Path dir) throws IOException {
        Map<String, String> extra = new HashMap<>();
        extra.put("usage_window_hits", Arrays.stream(hits).mapToObj(Long::toString).collect(Collectors.joining(",")));
        Checkpoint.save(dir.resolve("train.safetensors"), model, opt, step, seeds.byName(), null, extra);
        if (disc != null) Checkpoint.save(dir.resolve("disc.safetensors"), disc, discOpt, step, Map.of(), null, Map.of());
    }

    public void load(Path dir) throws IOException {
        Checkpoint.Restored r = Checkpoint.load(dir.resolve("train.safetensors"), model, opt, seeds.byName());
        if (disc != null) Checkpoint.load(dir.resolve("disc.safetensors"), disc, discOpt, Map.of());
        String[] h = r.extra().getOrDefault("usage_window_hits", "").split(",");
        if (h.length != hits.length) throw new IOException(dir + ": usage window has " + h.length + " entries, codebook has " + hits.length);
        for (int i = 0; i < h.length; i++) hits[i] = Long.parseLong(h[i]);
        step = r.step();
    }
}
