package ai.emu4j.train.lm;

import java.nio.file.Path;

/**
 * Everything {@code emu4j train lm} is told. Fields in {@link #mathKey()} change the numbers; a resumed
 * run must agree on them with the run that wrote the checkpoint.
 *
 * @param data          dataset folder with manifest.jsonl
 * @param tokenizer     tokenizer.json (or a tokenizer folder) defining Emu3's special strings and the visual tokens
 * @param vq            vision tokenizer folder (config.json + safetensors)
 * @param output        model folder to write; the checkpoint and token cache sit next to it
 * @param visionWeight  loss weight of vision tokens (the paper's 0.5)
 * @param visionOnly    loss on visual codes only (Emu3's released SFT); visual-to-text samples are then skipped
 * @param captionDropout probability that a text-to-visual sample gets an empty caption (Emu3: 0.05), which
 *                       trains the unconditional branch classifier-free guidance needs
 * @param shortAnswers  probability that a visual-to-text sample is answered by its caption's first clause only
 *                      (up to the first comma): more, shorter captioning samples per step for the same tokens
 * @param tasks         both (each direction with equal chance), t2i (text to visual), i2t (visual to text), or
 *                      i2t=P: both, visual to text with chance P (more captioning practice without giving up
 *                      generation entirely)
 * @param question      the user text of visual-to-text samples (the chat template adds "." after it)
 * @param pack          rows of whole samples back to back up to the context instead of one padded sample per row
 * @param init          model folder whose language-model weights start the run (fine-tuning); null for a fresh
 *                      initialisation. The architecture and vocabulary must match; the optimizer starts fresh.
 * @param sourceWeights sampling weight per manifest "source" (sources not named weigh 1): an entry is drawn
 *                      with probability proportional to its source's weight; empty for uniform draws
 * @param views         extra views ({@link PictureViews}) per training picture of a manifest source, used by the
 *                      visual-to-text direction: each such sample reads the picture or one of its N views
 *                      with equal chance; empty for none
 * @param visualInit    "random" (as every other row) or "appearance": the visual tokens' input embeddings start
 *                      from what each code looks like ({@link CodeAppearance}); with {@code init} this replaces
 *                      those rows of the loaded model
 * @param freezeVisualInput keep the visual tokens' input embeddings as they start (the output head still learns)
 * @param pairs         the contrastive pair loss ({@link PairLoss}), or {@link Pairs#OFF}
 * @param summary       the visual summary stem ({@link ai.emu4j.models.llama.LlamaWeights.Summary}), or {@link Summary#OFF}
 */
public record LmOptions(Path data, Path tokenizer, Path vq, Path output,
                        int hidden, int layers, int heads, int kvHeads, int ffn, int context, double ropeTheta, float dropout,
                        long imageArea, int batch, int accum, long steps, double lr, double minLr, long warmup,
                        double weightDecay, double beta1, double beta2, double eps, double clip,
                        float visionWeight, boolean visionOnly, double captionDropout, double shortAnswers, String tasks, String question, String chatTemplate, boolean pack,
                        Path init, java.util.Map<String, Double> sourceWeights, java.util.Map<String, Integer> views,
                        String visualInit, boolean freezeVisualInput, Pairs pairs, Summary summary, long checkpointEvery, boolean resume, long seed) {
    public LmOptions {
        positive("hidden size", hidden);
        positive("layers", layers);
        positive("heads", heads);
        positive("kv heads", kvHeads);
        positive("ffn size", ffn);
        positive("context", context);
        positive("batch", batch);
        positive("accumulation", accum);
        if (steps <= 0) throw new IllegalArgumentException("steps must be positive, got " + steps);
        if (imageArea <= 0) throw new IllegalArgumentException("image area must be positive, got " + imageArea);
        if (warmup < 0 || warmup >= steps) throw new IllegalArgumentException("warm-up must be in [0, steps), got " + warmup);
        if (!(lr > 0) || !(minLr >= 0) || minLr > lr) throw new IllegalArgumentException("need lr > 0 and 0 <= min lr <= lr, got " + lr + ", " + minLr);
        if (!(visionWeight >= 0)) throw new IllegalArgumentException("vision loss weight must be >= 0, got " + visionWeight);
        if (!(captionDropout >= 0 && captionDropout <= 1)) throw new IllegalArgumentException("caption dropout must be in [0, 1], got " + captionDropout);
        if (!(shortAnswers >= 0 && shortAnswers <= 1)) throw new IllegalArgumentException("the short-answer share must be in [0, 1], got " + shortAnswers);
        if (shortAnswers > 0 && (visionOnly || tasks.equals("t2i"))) throw new IllegalArgumentException("short answers shorten captioning samples, which these tasks do not draw");
        if (!(dropout >= 0 && dropout < 1)) throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
        if (!(clip > 0)) throw new IllegalArgumentException("gradient clip must be positive, got " + clip);
        if (checkpointEvery <= 0) throw new IllegalArgumentException("checkpoint interval must be positive, got " + checkpointEvery);
        i2tShare(tasks);
        ai.emu4j.models.emu3.Emu3Processor.checkTemplate(chatTemplate);
        sourceWeights = java.util.Map.copyOf(sourceWeights);
        for (var e : sourceWeights.entrySet()) {
            if (!(e.getValue() >= 0) || e.getValue().isInfinite()) throw new IllegalArgumentException("the weight of source " + e.getKey() + " must be finite and >= 0, got " + e.getValue());
        }
        if (!visualInit.equals("random") && !visualInit.equals("appearance")) throw new IllegalArgumentException("visual init must be random or appearance, got " + visualInit);
        views = java.util.Map.copyOf(views);
        for (var e : views.entrySet()) {
            if (e.getValue() < 0 || e.getValue() > MAX_VIEWS) throw new IllegalArgumentException("the views of source " + e.getKey() + " must be in [0, " + MAX_VIEWS + "], got " + e.getValue());
        }
        if (visionOnly && views.values().stream().anyMatch(n -> n > 0)) throw new IllegalArgumentException("views feed visual-to-text samples, which vision-only training skips");
        if (visionOnly && tasks.equals("i2t")) throw new IllegalArgumentException("vision-only loss leaves nothing to learn from visual-to-text samples");
        java.util.Objects.requireNonNull(pairs, "pairs");
        java.util.Objects.requireNonNull(summary, "summary");
        if (summary.pairs() && !pairs.on()) throw new IllegalArgumentException("--pair-on summary needs --pair-by");
    }

    /**
     * The visual summary stem: {@code on} adds it to the model; {@code only} is the share of visual-to-text
     * pictures whose codes are hidden from the sequence (replaced by pad), so the caption must come through
     * the summary; {@code pairs} applies the pair loss to the summaries instead of the caption-start states;
     * {@code collapse} drops a hidden picture's codes and row ends from the sequence instead of padding them
     * (at 8x8 its block loses 72 tokens), so a demo captioning sample costs about half the tokens;
     * {@code names} asks each summary for its picture's name ({@link NameLoss}); {@code noise} is the
     * relative standard deviation of the Gaussian noise added to the summaries the decoder reads in
     * training ({@link ai.emu4j.models.llama.LlamaModel#withSummaryNoise}).
     */
    public record Summary(boolean on, double only, boolean pairs, boolean collapse, Names names, float noise) {
        public static final Summary OFF = new Summary(false, 0, false, false);

        public Summary {
            if (!(only >= 0 && only <= 1)) throw new IllegalArgumentException("the summary-only share must be in [0, 1], got " + only);
            if (!on && (only > 0 || pairs)) throw new IllegalArgumentException("--summary-only and --pair-on summary need --visual-summary");
            if (collapse && !(only > 0)) throw new IllegalArgumentException("--collapse-hidden needs --summary-only above 0");
            java.util.Objects.requireNonNull(names, "names");
            if (!on && names.on()) throw new IllegalArgumentException("--summary-names needs --visual-summary");
            if (!(noise >= 0) || Float.isInfinite(noise)) throw new IllegalArgumentException("the summary noise must be finite and >= 0, got " + noise);
            if (!on && noise > 0) throw new IllegalArgumentException("--summary-noise needs --visual-summary");
        }

        public Summary(boolean on, double only, boolean pairs, boolean collapse, Names names) {
            this(on, only, pairs, collapse, names, 0f);
        }

        public Summary(boolean on, double only, boolean pairs, boolean collapse) {
            this(on, only, pairs, collapse, Names.OFF);
        }

        public Summary(boolean on, double only, boolean pairs) {
            this(on, only, pairs, false);
        }
    }

    /**
     * The summary name loss: {@code batch} training pictures per step, each summary asked through the output
     * head for the tokens of its manifest attribute {@code by}, added with {@code weight}; with {@code rare}
     * the tokens are weighted by their rarity among the names ({@link NameLoss#rarity}). {@code by} null: off.
     */
    public record Names(String by, float weight, int batch, boolean rare) {
        public static final Names OFF = new Names(null, 0f, 0);

        public Names(String by, float weight, int batch) {
            this(by, weight, batch, false);
        }

        public Names {
            if (by != null) {
                if (by.isBlank()) throw new IllegalArgumentException("the summary name attribute must not be blank");
                if (!(weight > 0) || Float.isInfinite(weight)) throw new IllegalArgumentException("the summary name loss weight must be finite and > 0, got " + weight);
                if (batch < 1) throw new IllegalArgumentException("the summary name batch must be at least 1, got " + batch);
            }
        }

        public boolean on() {
            return by != null;
        }
    }

    /**
     * The contrastive pair loss: training pictures sharing manifest attribute {@code by} are pulled together,
     * {@code batch} pairs per step, the loss added with {@code weight}. {@code by} null: off.
     */
    public record Pairs(String by, float weight, int batch) {
        public static final Pairs OFF = new Pairs(null, 0f, 0);

        public Pairs {
            if (by != null) {
                if (by.isBlank()) throw new IllegalArgumentException("the pair attribute must not be blank");
                if (!(weight > 0) || Float.isInfinite(weight)) throw new IllegalArgumentException("the pair loss weight must be finite and > 0, got " + weight);
                if (batch < 2) throw new IllegalArgumentException("the pair batch must be at least 2, got " + batch);
            }
        }

        public boolean on() {
            return by != null;
        }
    }

    /**
     * The chance that a drawn sample is visual to text: NaN for "both" (drawn as one of two, as always),
     * 0 for t2i, 1 for i2t, P for i2t=P with 0 < P < 1.
     */
    public double i2tShare() {
        return i2tShare(tasks);
    }

    private static double i2tShare(String tasks) {
        switch (tasks) {
            case "both": return Double.NaN;
            case "t2i": return 0;
            case "i2t": return 1;
            default:
        }
        String bad = "tasks must be both, t2i, i2t or i2t=P with 0 < P < 1, got " + tasks;
        if (!tasks.startsWith("i2t=")) throw new IllegalArgumentException(bad);
        double p;
        try {
            p = Double.parseDouble(tasks.substring(4));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(bad);
        }
        if (!(p > 0 && p < 1)) throw new IllegalArgumentException(bad);
        return p;
    }

    /** Each view costs a VQ encode and its codes in the cache; 64 views of 4,000 pictures is about 20 minutes of encoding. */
    public static final int MAX_VIEWS = 64;

    private static void positive(String what, int v) {
        if (v <= 0) throw new IllegalArgumentException(what + " must be positive, got " + v);
    }

    /** The checkpoint sits next to the output folder: OUT.ckpt.safetensors. */
    public Path checkpointFile() {
        return output.resolveSibling(output.getFileName() + ".ckpt.safetensors");
    }

    /** The VQ codes cache: OUT.tokens.json. */
    /** OUT.log.csv: one row per optimizer step plus the validation loss at checkpoints, for curves. */
    public Path logFile() {
        return output.resolveSibling(output.getFileName() + ".log.csv");
    }

    public Path tokenCacheFile() {
        return output.resolveSibling(output.getFileName() + ".tokens.json");
    }

    /** The options that change the numbers, as one string; paths and the checkpoint interval do not count. */
    public String mathKey() {
        return String.join(",", "hidden=" + hidden, "layers=" + layers, "heads=" + heads, "kv=" + kvHeads, "ffn=" + ffn, "context=" + context,
                "theta=" + ropeTheta, "dropout=" + dropout, "area=" + imageArea, "batch=" + batch, "accum=" + accum, "steps=" + steps,
                "lr=" + lr, "minlr=" + minLr, "warmup=" + warmup, "wd=" + weightDecay, "b1=" + beta1, "b2=" + beta2, "eps=" + eps,
                "clip=" + clip, "vw=" + visionWeight, "vonly=" + visionOnly, "cdrop=" + captionDropout, "tasks=" + tasks,
                "q=" + question, "tmpl=" + chatTemplate, "pack=" + pack, "seed=" + seed)
                + (init == null ? "" : ",init=" + init.toAbsolutePath().normalize())
                + (sourceWeights.isEmpty() ? "" : ",sources=" + new java.util.TreeMap<>(sourceWeights))
                + (views.isEmpty() ? "" : ",views=" + new java.util.TreeMap<>(views))
                + (visualInit.equals("random") ? "" : ",visualinit=" + visualInit) + (freezeVisualInput ? ",freezevisual" : "")
                + (pairs.on() ? ",pairs=" + pairs.by() + ":" + pairs.weight() + ":" + pairs.batch() : "")
                + (shortAnswers > 0 ? ",short=" + shortAnswers : "")
                + (summary.on() ? ",summary=" + summary.only() + (summary.pairs() ? ":pairs" : "") + (summary.collapse() ? ":collapse" : "") : "")
                + (summary.names().on() ? ",names=" + summary.names().by() + ":" + summary.names().weight() + ":" + summary.names().batch()
                        + (summary.names().rare() ? ":rare" : "") : "")
                + (summary.noise() > 0 ? ",summarynoise=" + summary.noise() : "");
    }
}
