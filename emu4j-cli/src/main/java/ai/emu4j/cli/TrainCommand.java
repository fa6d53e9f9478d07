package ai.emu4j.cli;

import ai.emu4j.models.emu3.Emu3Processor;
import ai.emu4j.train.lm.LmOptions;
import ai.emu4j.train.lm.LmTrainer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code emu4j train}: training commands. */
@Command(name = "train", mixinStandardHelpOptions = true, description = "Train models.", subcommands = TrainCommand.Lm.class)
public final class TrainCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand: lm");
    }

    /**
     * {@code emu4j train lm}: an Emu3-style LM from scratch on a manifest.jsonl dataset (see LmTrainer).
     * Progress (loss per modality, tokens/s, validation loss at checkpoints) goes to stderr; Ctrl-C stops
     * after the current step with a checkpoint and a model folder, and {@code --resume} continues bit for bit.
     */
    @Command(name = "lm", mixinStandardHelpOptions = true, description = "Train an Emu3-style language model on captioned images and clips.")
    static final class Lm implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--data", required = true, paramLabel = "DIR", description = "Dataset folder with manifest.jsonl.")
        Path data;

        @Option(names = "--tokenizer", required = true, paramLabel = "FILE",
                description = "tokenizer.json (or folder) with Emu3's special tokens and <|visual token NNNNNN|> for every code.")
        Path tokenizer;

        @Option(names = "--vq", required = true, paramLabel = "DIR", description = "Vision tokenizer folder (copied into the output).")
        Path vq;

        @Option(names = {"-o", "--output"}, required = true, paramLabel = "DIR",
                description = "Model folder to write (rewritten at every checkpoint); OUT.ckpt.safetensors and OUT.tokens.json go next to it.")
        Path output;

        @Option(paramLabel = "N", names = "--hidden", defaultValue = "256", description = "Hidden size; default ${DEFAULT-VALUE}.") int hidden;
        @Option(paramLabel = "N", names = "--layers", defaultValue = "4", description = "Layers; default ${DEFAULT-VALUE}.") int layers;
        @Option(paramLabel = "N", names = "--heads", defaultValue = "4", description = "Attention heads; default ${DEFAULT-VALUE}.") int heads;
        @Option(paramLabel = "N", names = "--kv-heads", defaultValue = "2", description = "Key/value heads (GQA); default ${DEFAULT-VALUE}.") int kvHeads;
        @Option(paramLabel = "N", names = "--ffn", defaultValue = "704", description = "MLP width; default ${DEFAULT-VALUE}.") int ffn;
        @Option(paramLabel = "N", names = "--context", defaultValue = "1024", description = "max_position_embeddings; default ${DEFAULT-VALUE}.") int context;
        @Option(paramLabel = "X", names = "--rope-theta", defaultValue = "1000000", description = "RoPE base (Emu3: 1e6); default ${DEFAULT-VALUE}.") double ropeTheta;
        @Option(paramLabel = "X", names = "--dropout", defaultValue = "0.1", description = "Residual dropout (Emu3: 0.1); default ${DEFAULT-VALUE}.") float dropout;
        @Option(paramLabel = "N", names = "--image-area", defaultValue = "16384", description = "Pixels per training image, aspect kept (Emu3-Gen: 518400); default ${DEFAULT-VALUE}.") long imageArea;
        @Option(paramLabel = "N", names = "--batch", defaultValue = "8", description = "Sequences per micro-batch; default ${DEFAULT-VALUE}.") int batch;
        @Option(paramLabel = "N", names = "--accum", defaultValue = "1", description = "Micro-batches per optimizer step; default ${DEFAULT-VALUE}.") int accum;
        @Option(paramLabel = "N", names = "--steps", defaultValue = "1000", description = "Optimizer steps; default ${DEFAULT-VALUE}.") long steps;
        @Option(paramLabel = "X", names = "--lr", defaultValue = "3e-4", description = "Peak learning rate; default ${DEFAULT-VALUE}.") double lr;
        @Option(paramLabel = "X", names = "--min-lr", defaultValue = "3e-5", description = "Learning rate at the end of the cosine; default ${DEFAULT-VALUE}.") double minLr;
        @Option(paramLabel = "N", names = "--warmup", defaultValue = "50", description = "Linear warm-up steps; default ${DEFAULT-VALUE}.") long warmup;
        @Option(paramLabel = "X", names = "--weight-decay", defaultValue = "0.1", description = "AdamW decay on matrices; default ${DEFAULT-VALUE}.") double weightDecay;
        @Option(paramLabel = "X", names = "--beta1", defaultValue = "0.9", description = "Default ${DEFAULT-VALUE}.") double beta1;
        @Option(paramLabel = "X", names = "--beta2", defaultValue = "0.95", description = "Default ${DEFAULT-VALUE}.") double beta2;
        @Option(paramLabel = "X", names = "--eps", defaultValue = "1e-8", description = "Default ${DEFAULT-VALUE}.") double eps;
        @Option(paramLabel = "X", names = "--clip", defaultValue = "1.0", description = "Gradient norm clip; default ${DEFAULT-VALUE}.") double clip;
        @Option(paramLabel = "X", names = "--vision-weight", defaultValue = "0.5", description = "Loss weight of vision tokens (paper: 0.5); default ${DEFAULT-VALUE}.") float visionWeight;
        @Option(names = "--vision-only", description = "Loss on visual codes only, text-to-visual samples only (Emu3's released SFT).") boolean visionOnly;
        @Option(paramLabel = "P", names = "--short-answers", defaultValue = "0", description = "Share of captioning samples answered by the caption's first "
                + "clause only (up to its first comma; the demo's emoji captions start with the name): shorter samples, more of them per step; default ${DEFAULT-VALUE}.")
        double shortAnswers;
        @Option(paramLabel = "X", names = "--caption-dropout", defaultValue = "0.05", description = "Share of empty captions, for CFG; default ${DEFAULT-VALUE}.") double captionDropout;
        @Option(paramLabel = "WHICH", names = "--tasks", defaultValue = "both", description = "both, t2i, i2t, or i2t=P (both, visual to text with chance P); default ${DEFAULT-VALUE}.") String tasks;
        @Option(paramLabel = "TEXT", names = "--question", defaultValue = CaptionCommand.DEFAULT_QUESTION, description = "User text of captioning samples; default: ${DEFAULT-VALUE}.") String question;
        @Option(paramLabel = "TEXT", names = "--chat-template", description = "Template with {image_prompt} and {text_prompt}; default Emu3's.") String chatTemplate;
        @Option(names = "--pack", description = "Pack whole samples back to back up to the context instead of padding each (Emu3's pre-training).") boolean pack;
        @Option(paramLabel = "DIR", names = "--init", description = "Start from this model folder's language model (fine-tuning; same architecture and vocabulary).") Path init;
        @Option(paramLabel = "SOURCE=W", names = "--source-weight", description = "Draw entries of this manifest source W times as often (repeatable; unnamed sources weigh 1), e.g. --source-weight shapes=4.")
        Map<String, Double> sourceWeights = new LinkedHashMap<>();
        @Option(paramLabel = "SOURCE=N", names = "--views", description = "Captioning samples of this source's training pictures read the picture or one of N extra views "
                + "(shrunk to 0.7-1x, moved, mirrored half the time; encoded once into the token cache), e.g. --views emoji=7 (repeatable).")
        Map<String, Integer> views = new LinkedHashMap<>();
        @Option(paramLabel = "HOW", names = "--visual-init", defaultValue = "random", description = "Input embeddings of the visual tokens: random, or appearance "
                + "(from each code's decoded picture, so codes that look alike start alike; with --init it replaces those rows); default ${DEFAULT-VALUE}.")
        String visualInit;
        @Option(names = "--freeze-visual-input", description = "Keep the visual tokens' input embeddings as they start (the output head still learns).")
        boolean freezeVisualInput;
        @Option(paramLabel = "ATTR", names = "--pair-by", description = "Add a CLIP-style contrastive loss between training pictures whose manifest attribute ATTR "
                + "is equal (e.g. name: one emoji in two styles), on the state that starts the caption; not next-token prediction, off by default.")
        String pairBy;
        @Option(paramLabel = "X", names = "--pair-weight", defaultValue = "0.5", description = "Weight of the pair loss; default ${DEFAULT-VALUE}.") float pairWeight;
        @Option(paramLabel = "N", names = "--pair-batch", defaultValue = "32", description = "Pairs per step for the pair loss; default ${DEFAULT-VALUE}.") int pairBatch;
        @Option(paramLabel = "WHAT", names = "--pair-on", defaultValue = "state", description = "What the pair loss pulls together: state (the caption-start state) "
                + "or summary (the pictures' visual summaries; needs --visual-summary); default ${DEFAULT-VALUE}.") String pairOn;
        @Option(names = "--visual-summary", description = "Add a visual summary stem (not in Emu3): two 3x3 convolutions over a picture's code embeddings, "
                + "averaged into one vector added at its end-of-image token (config visual_summary).") boolean visualSummary;
        @Option(paramLabel = "P", names = "--summary-only", defaultValue = "0", description = "Share of captioning samples whose codes are hidden from the sequence, "
                + "so the caption must come through the visual summary; default ${DEFAULT-VALUE}.") double summaryOnly;
        @Option(names = "--collapse-hidden", description = "Drop the hidden codes (and row ends) from the sequence instead of padding them: "
                + "a captioning sample costs about half the tokens, the picture reaching the caption through its summary alone.") boolean collapseHidden;
        @Option(paramLabel = "ATTR", names = "--summary-names", description = "Ask each training picture's visual summary, read by the output head, "
                + "for the tokens of its manifest attribute ATTR (e.g. name), so that naming is copying the summary forward; needs --visual-summary; "
                + "not next-token prediction, off by default.") String summaryNames;
        @Option(paramLabel = "X", names = "--summary-names-weight", defaultValue = "1.0", description = "Weight of the summary name loss; default ${DEFAULT-VALUE}.")
        float summaryNamesWeight;
        @Option(paramLabel = "N", names = "--summary-names-batch", defaultValue = "64", description = "Pictures per step for the summary name loss; default ${DEFAULT-VALUE}.")
        int summaryNamesBatch;
        @Option(names = "--summary-names-rare", description = "Weight each name token by its rarity among the names (inverse document frequency, "
                + "mean 1 per name), so the words that tell an emoji from its neighbours count most.") boolean summaryNamesRare;
        @Option(paramLabel = "X", names = "--summary-noise", defaultValue = "0", description = "Add Gaussian noise of X times each summary's RMS to the summaries "
                + "the decoder reads in training (not in validation or inference), so the caption read-out answers alike for nearby pictures; "
                + "needs --visual-summary; default ${DEFAULT-VALUE}.") float summaryNoise;
        @Option(paramLabel = "N", names = "--checkpoint-every", defaultValue = "100", description = "Steps between checkpoints and validation; default ${DEFAULT-VALUE}.") long checkpointEvery;
        @Option(names = "--resume", description = "Continue from OUT.ckpt.safetensors (same options required).") boolean resume;
        @Option(paramLabel = "STEP", names = "--stop-at", description = "Stop after this step as Ctrl-C does (checkpoint, model folder), the schedule still that of --steps: "
                + "reproduces a run that was cut short; --resume goes on from there.") Long stopAt;
        @Option(paramLabel = "N", names = "--seed", defaultValue = "1337", description = "Seed of initialisation and data order; default ${DEFAULT-VALUE}.") long seed;

        @Override
        public Integer call() throws IOException {
            CommandLine cmd = spec.commandLine();
            LmOptions options;
            try {
                options = new LmOptions(data, tokenizer, vq, output, hidden, layers, heads, kvHeads, ffn, context, ropeTheta, dropout, imageArea,
                        batch, accum, steps, lr, minLr, warmup, weightDecay, beta1, beta2, eps, clip, visionWeight, visionOnly, captionDropout, shortAnswers,
                        tasks, question, chatTemplate == null ? Emu3Processor.DEFAULT_CHAT_TEMPLATE : chatTemplate, pack, init, sourceWeights, views, visualInit, freezeVisualInput,
                        pairBy == null ? LmOptions.Pairs.OFF : new LmOptions.Pairs(pairBy, pairWeight, pairBatch),
                        new LmOptions.Summary(visualSummary, summaryOnly, pairOn(pairOn), collapseHidden,
                                summaryNames == null ? LmOptions.Names.OFF : new LmOptions.Names(summaryNames, summaryNamesWeight, summaryNamesBatch, summaryNamesRare), summaryNoise),
                        checkpointEvery, resume, seed);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(cmd, e.getMessage());
            }
            if (stopAt != null && (stopAt <= 0 || stopAt >= steps)) throw new CommandLine.ParameterException(cmd, "--stop-at must be in [1, --steps), got " + stopAt);
            PrintWriter out = cmd.getOut(), err = cmd.getErr();
            AtomicBoolean stop = new AtomicBoolean();
            CountDownLatch done = new CountDownLatch(1);
            Thread hook = new Thread(() -> {
                // Ctrl-C / SIGTERM: finish the step, checkpoint, write the folder (then validate); give up after
                // 10 minutes. A minute was too short: the demo run's step plus checkpoint plus validation
                // outlasted it and the JVM exited before the folder was written.
                stop.set(true);
                try {
                    done.await(10, TimeUnit.MINUTES);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            Runtime.getRuntime().addShutdownHook(hook);
            Listener listener = new Listener(err, stopAt == null ? -1 : stopAt, stop);
            LmTrainer.Result result;
            try {
                result = new LmTrainer(options).run(listener, stop);
            } finally {
                listener.close();
                done.countDown();
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException e) {
                    // Already shutting down: the hook is running and has just been released.
                }
            }
            out.println(String.format(Locale.ROOT, "%s at step %d; validation loss %s; model in %s", result.stopped() ? "stopped" : "finished",
                    result.step(), Double.isNaN(result.valLoss()) ? "n/a (no val split)" : String.format(Locale.ROOT, "%.4f", result.valLoss()), output));
            out.flush();
            return Main.EXIT_OK;
        }

        private static boolean pairOn(String what) {
            return switch (what) {
                case "state" -> false;
                case "summary" -> true;
                default -> throw new IllegalArgumentException("--pair-on must be state or summary, got " + what);
            };
        }
    }

    /** Renders the trainer's reports as one progress bar with loss, per-modality loss and throughput. */
    private static final class Listener implements LmTrainer.Listener {
        private final PrintWriter err;
        private final long stopAt;
        private final AtomicBoolean stop;
        private ProgressBar bar;
        private String val = "", last = "";

        Listener(PrintWriter err, long stopAt, AtomicBoolean stop) {
            this.err = err;
            this.stopAt = stopAt;
            this.stop = stop;
        }

        @Override
        public void log(String line) {
            close();   // only the final "wrote" line comes after the bar
            err.println(line);
            err.flush();
        }

        @Override
        public void encoding(long done, long total) {
            if (bar == null) bar = Progress.bar(err, "encode", total, "pictures");
            bar.stepTo(done);
        }

        @Override
        public void started(long firstStep, long totalSteps, long parameters) {
            log(String.format(Locale.ROOT, "training %,d parameters from step %d to %d", parameters, firstStep, totalSteps));
            bar = Progress.bar(err, "train", totalSteps, "steps");
            bar.stepTo(firstStep);
        }

        @Override
        public void step(LmTrainer.StepReport r) {
            if (r.step() == stopAt) stop.set(true);
            bar.stepTo(r.step());
            last = String.format(Locale.ROOT, "loss %.3f text %.3f vision %.3f lr %.1e %.0f tok/s", r.loss(), r.textLoss(), r.visionLoss(), r.lr(), r.tokensPerSecond())
                    + (Double.isNaN(r.pairLoss()) ? "" : String.format(Locale.ROOT, " pair %.3f", r.pairLoss()))
                    + (Double.isNaN(r.nameLoss()) ? "" : String.format(Locale.ROOT, " name %.3f", r.nameLoss()));
            bar.setExtraMessage(last + val);
        }

        @Override
        public void checkpoint(long step, double valLoss, Path file) {
            val = Double.isNaN(valLoss) ? "" : String.format(Locale.ROOT, " val %.3f", valLoss);
            bar.setExtraMessage(last + val);
        }

        void close() {
            if (bar != null) bar.close();
            bar = null;
        }
    }
}
