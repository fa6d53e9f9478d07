package ai.emu4j.train.vq;

import ai.emu4j.core.autograd.GradMode;
import ai.emu4j.core.tensor.Tensor;
import ai.emu4j.train.StepLog;
import ai.emu4j.models.vq.Emu3VQTrainable;
import ai.emu4j.models.vq.RgbImage;
import ai.emu4j.models.vq.VQConfig;
import ai.emu4j.models.vq.VQImages;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * A training run writes two folders:
 * <pre>
 * CKPTS/step-00000200/{train,disc}.safetensors, recon.png          (one folder per checkpoint)
 * CKPTS/log.csv                                                    (one row per step, for curves)
 * MODEL/{config.json, model.safetensors, preprocessor_config.json} (latest weights, Emu3 layout)
 * </pre>
 * Each checkpoint folder is written under a temporary name and renamed, so a killed run leaves only
 * complete checkpoints; {@code resume} continues from the highest-numbered one. recon.png shows a
 * fixed validation batch (the first 8 images of the validation folder, else of the training folder)
 * on top and its reconstruction below. On resume, log rows past the checkpoint's step (written by the
 * killed run after its last checkpoint) are dropped, so the log matches the weights.
 */
public final class VQTrainRun {
    private static final int VALIDATION = 8;

    private VQTrainRun() {}

    /** As {@link #run(VQConfig, VQTrainConfig, ImageFolder, ImageFolder, Path, Path, boolean, Consumer)} with no validation folder. */
    public static VQTrainer run(VQConfig config, VQTrainConfig cfg, ImageFolder data, Path model, Path ckpts, boolean resume,
                                Consumer<StepStats> progress) throws IOException {
        return run(config, cfg, data, null, model, ckpts, resume, progress);
    }

    /** Runs to cfg.steps() (from the last checkpoint when resume), reporting every step; returns the trainer. */
    public static VQTrainer run(VQConfig config, VQTrainConfig cfg, ImageFolder data, ImageFolder val, Path model, Path ckpts,
                                boolean resume, Consumer<StepStats> progress) throws IOException {
        return loop(new VQTrainer(config, cfg, data), cfg, data, val, model, ckpts, resume, progress);
    }

    /**
     * Fine-tunes only the decoder of the tokenizer folder {@code init} (see {@link VQTrainer#decoderOnly}):
     * the codes of every image stay what they were, so a language model trained on them stays valid.
     */
    public static VQTrainer runDecoderOnly(Path init, VQTrainConfig cfg, ImageFolder data, ImageFolder val, Path model, Path ckpts,
                                           boolean resume, Consumer<StepStats> progress) throws IOException {
        return loop(VQTrainer.decoderOnly(Emu3VQTrainable.load(init), cfg, data), cfg, data, val, model, ckpts, resume, progress);
    }

    private static VQTrainer loop(VQTrainer trainer, VQTrainConfig cfg, ImageFolder data, ImageFolder val, Path model, Path ckpts,
                                  boolean resume, Consumer<StepStats> progress) throws IOException {
        if (resume) {
            Optional<Path> last = latest(ckpts);
            if (last.isEmpty()) throw new IOException(ckpts + ": no checkpoint to resume from");
            trainer.load(last.get());
        }
        ImageFolder shown = val != null ? val : data;
        Tensor validation = shown.range(0, Math.min(VALIDATION, shown.size()));
        Files.createDirectories(ckpts);
        try (StepLog log = StepLog.open(ckpts.resolve("log.csv"), StepStats.CSV_HEADER, trainer.step())) {
            while (trainer.step() < cfg.steps()) {
                StepStats s = trainer.trainStep();
                log.append(s.step(), s.csv());
                progress.accept(s);
                if (trainer.step() % cfg.checkpointEvery() == 0 || trainer.step() == cfg.steps()) checkpoint(trainer, ckpts, validation, model, cfg);
            }
        }
        return trainer;
    }

    /** The checkpoint folder with the highest step, if any. */
    public static Optional<Path> latest(Path ckpts) throws IOException {
        if (!Files.isDirectory(ckpts)) return Optional.empty();
        try (Stream<Path> s = Files.list(ckpts)) {
            return s.filter(p -> p.getFileName().toString().matches("step-\\d{8}")).max(Comparator.comparing(Path::toString));
        }
    }

    private static void checkpoint(VQTrainer t, Path ckpts, Tensor validation, Path model, VQTrainConfig cfg) throws IOException {
        Files.createDirectories(ckpts);
        Path target = ckpts.resolve(String.format("step-%08d", t.step()));
        Path tmp = Files.createTempDirectory(ckpts, "tmp-");
        t.save(tmp);
        try (var g = GradMode.noGrad()) {
            VQImages.writePng(grid(validation, t.model().forward(validation)), tmp.resolve("recon.png"));
        }
        if (Files.exists(target)) deleteTree(target);
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        t.model().saveFolder(model, cfg.imageSize());
    }

    /** Two rows of n tiles: originals over reconstructions, each [n, 3, S, S] in [-1, 1]. */
    static RgbImage grid(Tensor top, Tensor bottom) {
        int n = top.size(0), s = top.size(2), width = n * s;
        byte[] px = new byte[width * 2 * s * 3];
        Tensor[] rows = {top, bottom};
        for (int r = 0; r < 2; r++) {
            float[] d = rows[r].contiguous().dataF32();
            for (int i = 0; i < n; i++) {
                for (int c = 0; c < 3; c++) {
                    for (int y = 0; y < s; y++) {
                        for (int x = 0; x < s; x++) {
                            float v = (d[((i * 3 + c) * s + y) * s + x] + 1) / 2 * 255;
                            px[((r * s + y) * width + i * s + x) * 3 + c] = (byte) (int) Math.min(255f, Math.max(0f, v));
                        }
                    }
                }
            }
        }
        return new RgbImage(width, 2 * s, px);
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
