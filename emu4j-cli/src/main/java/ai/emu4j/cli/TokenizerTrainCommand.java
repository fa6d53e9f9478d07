package ai.emu4j.cli;

import ai.emu4j.models.vq.VQConfig;
import ai.emu4j.train.vq.ImageFolder;
import ai.emu4j.train.vq.StepStats;
import ai.emu4j.train.vq.VQTrainConfig;
import ai.emu4j.train.vq.VQTrainRun;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code emu4j tokenizer train --data DIR --model OUT}: trains an Emu3-layout tokenizer on a folder
 * of images (see VQTrainer for the losses). The progress bar on stderr shows the loss terms,
 * codebook usage and images/s; checkpoints go to OUT-checkpoints unless --checkpoints is given.
 */
@Command(name = "train", mixinStandardHelpOptions = true, description = "Train a small Emu3-layout VQ tokenizer on a folder of images.")
final class TokenizerTrainCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--data", required = true, description = "Folder of PNG/JPEG images (recursive).")
    Path data;

    @Option(names = "--model", required = true, description = "Output tokenizer folder (rewritten at every checkpoint).")
    Path model;

    @Option(names = "--split", description = "Train only on the images of this manifest split of --data (e.g. train); the recon.png batch then comes from its val split unless --val-data is given.")
    String split;

    @Option(names = "--val-data", description = "Folder whose first 8 images are reconstructed into recon.png at each checkpoint (default: --data).")
    Path valData;

    @Option(names = "--checkpoints", description = "Checkpoint folder (default: MODEL-checkpoints).")
    Path checkpoints;

    @Option(names = "--resume", description = "Continue from the latest checkpoint.")
    boolean resume;

    @Option(names = "--decoder-only", paramLabel = "DIR",
            description = "Fine-tune only the decoder of the tokenizer folder DIR: its encoder and codebook stay frozen, so every image "
                    + "keeps its codes (a language model trained on them stays valid). The architecture options are then taken from DIR.")
    Path decoderOnly;

    @Option(names = "--size", defaultValue = "64", description = "Training image side (default: ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--batch", defaultValue = "8") int batch;
    @Option(names = "--steps", defaultValue = "2000") long steps;
    @Option(names = "--lr", defaultValue = "2e-4") double lr;
    @Option(names = "--min-lr", description = "Learning rate at the last step when --decay-start is given (default: --lr).") Double minLr;
    @Option(names = "--decay-start", description = "Step from which the learning rate follows a half cosine down to --min-lr (default: none, constant).") Long decayStart;
    @Option(names = "--ch", defaultValue = "64", description = "Base width; every level's width must be a multiple of 32.") int ch;
    @Option(names = "--ch-mult", defaultValue = "1,1,2,2", split = ",", description = "Width multipliers; 4 levels = 8x down.") int[] chMult;
    @Option(names = "--res-blocks", defaultValue = "1") int resBlocks;
    @Option(names = "--attn", defaultValue = "3", split = ",", description = "Levels with attention (indices into --ch-mult).") int[] attn;
    @Option(names = "--codebook", defaultValue = "1024") int codebook;
    @Option(names = "--embed-dim", defaultValue = "8", description = "Code width (= z channels); low-dimensional codes keep usage high.") int embedDim;
    @Option(names = "--l1", defaultValue = "1.0") double l1;
    @Option(names = "--l2", defaultValue = "0.0") double l2;
    @Option(names = "--perceptual", defaultValue = "0.2") double perceptual;
    @Option(names = "--codebook-weight", defaultValue = "1.0") double codebookWeight;
    @Option(names = "--beta", defaultValue = "0.25", description = "Commitment weight.") double beta;
    @Option(names = "--disc-weight", defaultValue = "0", description = "PatchGAN weight (0 = no GAN).") double discWeight;
    @Option(names = "--disc-start", defaultValue = "1000") long discStart;
    @Option(names = "--disc-ndf", defaultValue = "32") int discNdf;
    @Option(names = "--restart-every", defaultValue = "100", description = "Usage window; dead codes re-seeded at its end (0 = never).") int restartEvery;
    @Option(names = "--checkpoint-every", defaultValue = "200") long checkpointEvery;
    @Option(names = "--seed", defaultValue = "0") long seed;
    @Option(names = "--temporal-factor", defaultValue = "4", description = "temporal_downsample_factor: frames per latent frame (Emu3: 4; 1 = every frame its own grid).") int temporalFactor;

    @Override
    public Integer call() throws Exception {
        VQConfig config = new VQConfig(ch, chMult, resBlocks, attn, codebook, embedDim, embedDim, false, 3, 3, temporalFactor, 0.0);
        VQTrainConfig cfg = new VQTrainConfig(size, batch, steps, lr, l1, l2, perceptual, codebookWeight, beta, discWeight, discStart,
                discNdf, restartEvery, checkpointEvery, seed, minLr == null ? lr : minLr, decayStart == null ? steps : decayStart);
        ImageFolder images = ImageFolder.load(data, split, size);
        ImageFolder val = valData != null ? ImageFolder.load(valData, size) : split != null ? ImageFolder.load(data, "val", size) : null;
        Path ckpts = checkpoints != null ? checkpoints : model.toAbsolutePath().resolveSibling(model.getFileName() + "-checkpoints");
        // The bar wants a PrintStream; this one forwards to the command's err writer (so tests see it).
        // Byte-to-char is exact because the bar style and the message are ASCII.
        PrintStream err = new PrintStream(new OutputStream() {
            @Override
            public void write(int b) {
                spec.commandLine().getErr().write(b);
            }

            @Override
            public void flush() {
                spec.commandLine().getErr().flush();
            }
        }, true, StandardCharsets.UTF_8);
        long start = System.nanoTime();
        long[] first = {-1};
        try (ProgressBar bar = new ProgressBarBuilder().setTaskName("train").setInitialMax(steps)
                .setConsumer(new ConsoleProgressBarConsumer(err, 200)).setUpdateIntervalMillis(500).setStyle(ProgressBarStyle.ASCII)
                .startsFrom(0, Duration.ZERO).build()) {
            Consumer<StepStats> report = s -> {
                if (first[0] < 0) first[0] = s.step() - 1;
                double secs = (System.nanoTime() - start) / 1e9;
                bar.stepTo(s.step());
                bar.setExtraMessage(message(s, (s.step() - first[0]) * batch / secs));
            };
            if (decoderOnly != null) VQTrainRun.runDecoderOnly(decoderOnly, cfg, images, val, model, ckpts, resume, report);
            else VQTrainRun.run(config, cfg, images, val, model, ckpts, resume, report);
        }
        spec.commandLine().getErr().println("wrote " + model + " (checkpoints in " + ckpts + ")");
        return 0;
    }

    private static String message(StepStats s, double imagesPerSecond) {
        return String.format(Locale.ROOT, "rec %.4f perc %.4f cb %.4f com %.4f g %.3f d %.3f lam %.3g psnr %.2f usage %.0f%% ppl %.0f %.1f img/s",
                s.rec(), s.perceptual(), s.codebook(), s.commit(), s.gen(), s.disc(), s.lambda(), s.psnr(), 100 * s.usage(), s.perplexity(), imagesPerSecond);
    }
}
