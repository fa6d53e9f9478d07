package ai.emu4j.train.lm;

import ai.emu4j.core.autograd.GradMode;
import ai.emu4j.core.io.SafeTensorsWriter;
import ai.emu4j.core.ops.Losses;
import ai.emu4j.core.ops.Softmax;
import ai.emu4j.core.tensor.DType;
import ai.emu4j.core.tensor.Tensor;
import ai.emu4j.core.util.Rng;
import ai.emu4j.models.emu3.Emu3Bundle;
import ai.emu4j.models.emu3.Emu3Processor;
import ai.emu4j.models.emu3.EncodedVisual;
import ai.emu4j.models.emu3.SpecialNames;
import ai.emu4j.models.emu3.PictureSites;
import ai.emu4j.models.emu3.VisionTokens;
import ai.emu4j.models.llama.LlamaConfig;
import ai.emu4j.models.llama.LlamaLoader;
import ai.emu4j.models.llama.LlamaModel;
import ai.emu4j.models.llama.LlamaWeights;
import ai.emu4j.models.llama.SummarySite;
import ai.emu4j.models.tokenizer.TextTokenizer;
import ai.emu4j.models.tokenizer.TextTokenizers;
import ai.emu4j.models.vq.Emu3VisionVQ;
import ai.emu4j.models.vq.VQImageProcessor;
import ai.emu4j.train.AdamW;
import ai.emu4j.train.Checkpoint;
import ai.emu4j.train.CosineSchedule;
import ai.emu4j.train.FrozenRows;
import ai.emu4j.train.GradClip;
import ai.emu4j.train.Seeds;
import ai.emu4j.train.StepLog;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code emu4j train lm}: next-token prediction over mixed text/image/video sequences ({@link Sample}),
 * from scratch, with AdamW, warm-up + cosine decay, gradient accumulation and clipping. Each micro-batch
 * draws its samples with replacement from the data Rng, so the data order is part of the Rng state and
 * a run resumed from a checkpoint continues bit for bit. Sequences in a micro-batch are right-padded
 * with pad ids whose targets are ignored; attention is causal, so padding never affects real positions.
 * With packing, each row instead holds whole samples back to back up to the context (positions run on
 * and samples attend to earlier ones in their row, as in Emu3's packed pre-training), trading that
 * cross-talk for far fewer padded positions.
 * <p>
 * The loss is sum(w_i * nll_i) / (number of predicted tokens), w = 1 for text and the vision weight for
 * vision tokens (Losses.crossEntropy). Cost per micro-batch: one forward and backward over batch x
 * longest-sequence tokens, plus a vocab-wide log-softmax for the per-modality report.
 */
public final class LmTrainer {
    public static final int IGNORE = -100;
    /**
     * Columns of OUT.log.csv; val_loss is empty except at checkpoints; runs with a pair loss add a pair_loss
     * column, runs with a summary name loss a name_loss column after it.
     */
    public static final String LOG_HEADER = "step,loss,text_loss,vision_loss,lr,tokens_per_s,val_loss";

    /** What a run reports; all on the training thread. */
    public interface Listener {
        default void log(String line) {}

        /** Pictures and clips encoded so far when the token cache is (re)built: minutes on a large dataset. */
        default void encoding(long done, long total) {}

        default void started(long firstStep, long totalSteps, long parameters) {}

        void step(StepReport report);

        default void checkpoint(long step, double valLoss, Path file) {}
    }

    /**
     * One optimizer step. loss is the weighted training loss; textLoss and visionLoss are the plain mean
     * negative log-likelihoods of the text and vision tokens (NaN when a step had none); pairLoss is the
     * unweighted contrastive pair loss, not part of loss (NaN without one); nameLoss likewise the unweighted
     * summary name loss.
     */
    public record StepReport(long step, long totalSteps, double loss, double textLoss, double visionLoss, double lr, double tokensPerSecond, double pairLoss,
                             double nameLoss) {}

    /** How a run ended: the step reached, the last validation loss (NaN without a val split) and whether it was stopped early. */
    public record Result(long step, double valLoss, boolean stopped) {}

    private static final ObjectMapper JSON = new ObjectMapper();

    private final LmOptions o;

    public LmTrainer(LmOptions options) {
        this.o = options;
    }

    /** Trains; a stop flag that turns true ends the run after the current step with a checkpoint and a model folder. */
    public Result run(Listener listener, AtomicBoolean stop) throws IOException {
        TextTokenizer tokenizer = TextTokenizers.load(o.tokenizer());
        VisionTokens tokens = VisionTokens.from(tokenizer, SpecialNames.EMU3);
        Emu3Processor processor = new Emu3Processor(tokenizer, tokens, o.chatTemplate());
        Manifest manifest = Manifest.read(o.data());
        Files.createDirectories(o.output().toAbsolutePath().getParent());
        List<Manifest.Entry> train = manifest.split("train"), val = manifest.split("val");
        if (train.isEmpty()) throw new IOException(o.data().resolve(Manifest.FILE) + ": no entries with split \"train\"");
        Map<String, EncodedVisual> codes;
        VQImageProcessor pre;
        int spatial;
        float[][] appearance;
        try (Emu3VisionVQ vq = Emu3VisionVQ.load(o.vq())) {
            if (vq.config().codebook_size() != tokens.codebookSize()) {
                throw new IllegalArgumentException("the vision tokenizer has " + vq.config().codebook_size() + " codes but the tokenizer "
                        + tokens.codebookSize() + " visual tokens");
            }
            pre = Emu3Bundle.imageProcessor(o.vq(), vq.config(), o.imageArea());
            spatial = vq.config().spatialFactor();
            List<Manifest.Entry> used = new ArrayList<>(train);
            used.addAll(val);
            java.util.Set<String> trainIds = new java.util.HashSet<>();
            for (Manifest.Entry e : train) trainIds.add(e.id());
            checkSources("--views", o.views().keySet(), train);
            codes = TokenCache.load(o.tokenCacheFile(), used, e -> trainIds.contains(e.id()) ? views(e) : 0, o.seed(), o.vq(), vq, pre, o.imageArea(), listener::log,
                    listener::encoding);
            // A resumed run takes these rows from its checkpoint.
            appearance = o.visualInit().equals("appearance") && !o.resume() ? CodeAppearance.features(vq) : null;
        }
        List<Sample> valSamples = samples(val, codes, processor);
        double i2tShare = o.visionOnly() ? 0 : o.i2tShare();
        for (Sample s : samples(train, codes, processor)) checkLength(s);

        LlamaConfig config = new LlamaConfig(o.hidden(), o.layers(), o.heads(), o.kvHeads(), o.ffn(), tokenizer.vocabSize(), o.ropeTheta(),
                null, 1e-5, false, o.context(), null, "silu", (double) o.dropout(), o.summary().on());
        Seeds seeds = Seeds.of(o.seed());
        LlamaWeights weights = LlamaWeights.init(config, seeds.init());
        LlamaModel model = new LlamaModel(config, weights);
        if (o.summary().on()) model = model.withSummarySites(new PictureSites(tokens)).withSummaryNoise(o.summary().noise());
        boolean freshStem = o.summary().on() && !o.resume();
        if (o.init() != null && !o.resume()) freshStem &= initFrom(o.init(), config, weights, listener);
        Tensor embed = weights.named().get("model.embed_tokens.weight");                    // (vocab, hidden)
        if (appearance != null) {
            CodeAppearance.initRows(embed, tokens, appearance, seeds.init());
            listener.log("visual token embeddings set from what each code looks like");
        }
        List<SummarySite> stemSample = freshStem ? stemSample(train, codes, tokens) : List.of();
        if (!stemSample.isEmpty()) {
            double[] n = SummaryInit.matchEmbeddingNorm(model, weights, stemSample);
            listener.log(String.format(java.util.Locale.ROOT, "visual summary stem sized to the token embeddings: mean summary norm %.3f -> %.3f (embedding rows %.3f)",
                    n[0], n[1], n[2]));
        }
        LlamaModule module = new LlamaModule(weights);
        double[] drawWeights = drawWeights(train);
        PairLoss pairs = o.pairs().on() ? PairLoss.of(train, o.pairs().by(), o.pairs().batch()) : null;
        if (pairs != null) listener.log("pair loss over " + pairs.groupCount() + " groups of training pictures sharing " + o.pairs().by());
        LmOptions.Names nameOptions = o.summary().names();
        NameLoss names = nameOptions.on() ? NameLoss.of(train, nameOptions.by(), tokenizer, nameOptions.rare()) : null;
        if (names != null) listener.log("summary name loss over " + names.pictureCount() + " training pictures with a " + nameOptions.by());
        AdamW opt = new AdamW(module.parameters(), new AdamW.Config(o.lr(), o.beta1(), o.beta2(), o.eps(), o.weightDecay(), true));
        CosineSchedule schedule = new CosineSchedule(o.lr(), o.minLr(), o.warmup(), o.steps());
        long step = 0;
        Path ckpt = o.checkpointFile();
        FrozenRows frozen = null;
        if (o.resume()) {
            if (!Files.isRegularFile(ckpt)) throw new NoSuchFileException(ckpt.toString(), null, "--resume: no checkpoint to resume from");
            Checkpoint.Restored r = Checkpoint.load(ckpt, module, opt, seeds.byName());
            if (!o.mathKey().equals(r.extra().get("options"))) {
                throw new IllegalArgumentException("--resume: the checkpoint was written with other training options: " + r.extra().get("options"));
            }
            step = r.step();
            listener.log("resumed from " + ckpt + " at step " + step);
        }
        if (o.freezeVisualInput()) frozen = new FrozenRows(embed, tokens.visualBase(), tokens.visualBase() + tokens.codebookSize());
        listener.started(step, o.steps(), module.parameterCount());

        double valLoss = Double.NaN;
        boolean stopped = false;
        boolean written = false;
        // The pair and name losses read a training picture or one of its views, drawn from the data stream.
        Rng rng = seeds.data();
        java.util.function.Function<Manifest.Entry, EncodedVisual> visual = e -> codes.get(PictureViews.key(e.id(), view(e, rng)));
        String header = LOG_HEADER + (pairs == null ? "" : ",pair_loss") + (names == null ? "" : ",name_loss");
        try (StepLog log = StepLog.open(o.logFile(), header, step)) {
            while (step < o.steps()) {
                long t0 = System.nanoTime();
                opt.setLr(schedule.lr(step));
                double loss = 0;
                double[] sums = new double[3];
                long[] counts = new long[3];
                long tokensSeen = 0;
                for (int micro = 0; micro < o.accum(); micro++) {
                    List<Sample> batch = new ArrayList<>(o.batch());
                    Sample carry = null;
                    for (int i = 0; i < o.batch(); i++) {
                        if (!o.pack()) {
                            batch.add(draw(train, drawWeights, i2tShare, codes, processor, seeds.data()));
                            continue;
                        }
                        // Packing: whole samples back to back up to the context, none split (as Emu3 packs);
                        // the sample that does not fit opens the next row, and is dropped after the last row.
                        List<Sample> row = new ArrayList<>();
                        int used = 0;
                        while (true) {
                            Sample s = carry != null ? carry : draw(train, drawWeights, i2tShare, codes, processor, seeds.data());
                            carry = null;
                            if (used + s.length() > o.context()) {
                                carry = s;
                                break;
                            }
                            row.add(s);
                            used += s.length();
                        }
                        batch.add(Sample.concat(row));
                    }
                    Batch b = Batch.of(batch, tokens.pad(), o.visionWeight());
                    Tensor logits = trainingLogits(model, b, tokens, seeds.data());              // (B*T, vocab)
                    Tensor l = Losses.crossEntropy(logits, b.targets(), b.weights(), IGNORE);
                    l.mul(1f / o.accum()).backward();
                    loss += l.item() / o.accum();
                    modalityLoss(logits, b, sums, counts);
                    tokensSeen += b.realTokens();
                }
                double pairLoss = Double.NaN;
                if (pairs != null) {
                    Tensor pl = o.summary().pairs() ? pairs.summaryLoss(model, tokens, o.pairs().batch(), visual, rng)
                            : pairs.loss(model, processor, o.question(), o.pairs().batch(), tokens.pad(), visual, o.dropout(), rng);
                    pl.mul(o.pairs().weight()).backward();
                    pairLoss = pl.item();
                }
                double nameLoss = Double.NaN;
                if (names != null) {
                    Tensor nl = names.loss(model, tokens, nameOptions.batch(), visual, rng);
                    nl.mul(nameOptions.weight()).backward();
                    nameLoss = nl.item();
                }
                if (frozen != null) frozen.zeroGrad();
                GradClip.clipGradNorm(opt.params().values(), o.clip());
                opt.step();
                if (frozen != null) frozen.restore();
                opt.zeroGrad();
                step++;
                double secs = (System.nanoTime() - t0) / 1e9;
                StepReport report = new StepReport(step, o.steps(), loss, sums[Sample.TEXT] / counts[Sample.TEXT],
                        sums[Sample.VISION] / counts[Sample.VISION], opt.lr(), tokensSeen / Math.max(secs, 1e-9), pairLoss, nameLoss);
                listener.step(report);
                stopped = stop != null && stop.get() && step < o.steps();
                double stepVal = Double.NaN;
                if (step % o.checkpointEvery() == 0 || step == o.steps() || stopped) {
                    Checkpoint.save(ckpt, module, opt, step, seeds.byName(), schedule, Map.of("options", o.mathKey()));
                    // The folder at every checkpoint (about a second for the demo model), so a long run can be
                    // tried or scored while it trains; before the validation, which can take a minute, so a
                    // shutdown that gives up waiting still leaves both checkpoint and model.
                    writeModelFolder(config, weights, tokens, codes, train, spatial);
                    written = true;
                    valLoss = stepVal = validate(model, valSamples, tokens.pad());
                    listener.checkpoint(step, valLoss, ckpt);
                }
                log.append(step, report.loss() + "," + report.textLoss() + "," + report.visionLoss() + "," + report.lr() + ","
                        + report.tokensPerSecond() + "," + (Double.isNaN(stepVal) ? "" : Double.toString(stepVal)) + (pairs == null ? "" : "," + pairLoss)
                        + (names == null ? "" : "," + nameLoss));
                if (stopped) break;
            }
        }
        if (Double.isNaN(valLoss)) valLoss = validate(model, valSamples, tokens.pad());   // resumed at the end: no step ran
        if (!written) writeModelFolder(config, weights, tokens, codes, train, spatial);   // resumed at the end
        listener.log("wrote " + o.output());
        return new Result(step, valLoss, stopped);
    }

    /**
     * The model folder. Generation picks its grid from image_area: record the largest area trained on, not
     * the cap (64x64 pictures under the default cap of 16384 would otherwise be generated as 16x16 grids).
     */
    private void writeModelFolder(LlamaConfig config, LlamaWeights weights, VisionTokens tokens, Map<String, EncodedVisual> codes,
                                  List<Manifest.Entry> train, int spatial) throws IOException {
        long trained = 0;
        for (Manifest.Entry e : train) {
            Emu3Processor.GridSize g = codes.get(e.id()).grid();
            trained = Math.max(trained, (long) g.height() * g.width() * spatial * spatial);
        }
        writeModelFolder(config, weights, tokens, codes.get(train.get(0).id()).grid(), Math.min(o.imageArea(), trained));
    }

    private void checkLength(Sample s) {
        if (s.length() > o.context()) {
            throw new IllegalArgumentException("a training sequence of " + s.length() + " tokens exceeds the context of " + o.context()
                    + " tokens; raise --context or lower --image-area");
        }
    }

    /** Every entry in every direction, captions intact (validation; and the length check). */
    private List<Sample> samples(List<Manifest.Entry> entries, Map<String, EncodedVisual> codes, Emu3Processor p) {
        List<Sample> out = new ArrayList<>();
        for (Manifest.Entry e : entries) {
            EncodedVisual v = codes.get(e.id());
            if (!o.tasks().equals("i2t")) out.add(Sample.textToVisual(p, e.caption(), v, o.visionOnly()));
            if (!o.tasks().equals("t2i") && !o.visionOnly()) out.add(Sample.visualToText(p, o.question(), e.caption(), v));
        }
        return out;
    }

    /**
     * Cumulative draw weights of the training entries from --source-weight, or null for uniform draws
     * (kept as the plain nextInt path so runs without weights draw exactly what they always drew).
     */
    private double[] drawWeights(List<Manifest.Entry> train) {
        if (o.sourceWeights().isEmpty()) return null;
        checkSources("--source-weight", o.sourceWeights().keySet(), train);
        double[] cumulative = new double[train.size()];
        double sum = 0;
        for (int i = 0; i < cumulative.length; i++) cumulative[i] = sum += o.sourceWeights().getOrDefault(train.get(i).source(), 1.0);
        if (!(sum > 0)) throw new IllegalArgumentException("--source-weight: every training entry has weight 0");
        return cumulative;
    }

    private static void checkSources(String option, java.util.Set<String> named, List<Manifest.Entry> train) {
        java.util.Set<String> present = new java.util.TreeSet<>();
        for (Manifest.Entry e : train) present.add(e.source());
        for (String s : named) {
            if (!present.contains(s)) throw new IllegalArgumentException(option + " " + s + ": no training entry has that source (sources: " + present + ")");
        }
    }

    /** Extra views of a training entry: its source's --views for pictures, none for clips. */
    private int views(Manifest.Entry e) {
        return e.video() ? 0 : o.views().getOrDefault(e.source(), 0);
    }

    /**
     * A sample's direction from the chance that it is visual to text ({@link LmOptions#i2tShare}): no draw
     * at 0 or 1; one of two with equal chance for NaN ("both"); else i2t with that chance.
     */
    static String direction(double i2tShare, Rng rng) {
        if (i2tShare == 0 || i2tShare == 1) return i2tShare == 0 ? "t2i" : "i2t";
        if (Double.isNaN(i2tShare)) return rng.nextInt(2) == 0 ? "t2i" : "i2t";
        return rng.nextDouble() < i2tShare ? "i2t" : "t2i";
    }

    /** The first index whose cumulative weight exceeds u * total (entries of weight 0 are never picked). */
    static int pick(double[] cumulative, double u) {
        double target = u * cumulative[cumulative.length - 1];
        int lo = 0, hi = cumulative.length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (cumulative[mid] > target) hi = mid;
            else lo = mid + 1;
        }
        return lo;
    }

    /**
     * Starts from another model folder's language model (fine-tuning): same architecture and vocabulary
     * required, every tensor copied by name into the fresh F32 parameters (bf16 files widen exactly).
     */
    private static boolean initFrom(Path folder, LlamaConfig config, LlamaWeights weights, Listener listener) throws IOException {
        boolean freshStem = false;
        try (LlamaLoader.Loaded from = LlamaLoader.load(folder)) {
            LlamaConfig c = from.model().config();
            String theirs = shape(c), ours = shape(config);
            if (!theirs.equals(ours)) throw new IllegalArgumentException("--init " + folder + ": its model (" + theirs + ") differs from this run's (" + ours + ")");
            Map<String, Tensor> src = from.model().weights().named();
            for (Map.Entry<String, Tensor> e : weights.named().entrySet()) {
                Tensor s = src.get(e.getKey());
                if (s == null && e.getKey().startsWith("model.visual_summary.")) {
                    listener.log("--init " + folder + " has no visual summary stem: " + e.getKey() + " starts fresh");
                    freshStem = true;
                    continue;
                }
                if (s == null) throw new IllegalArgumentException("--init " + folder + ": no tensor " + e.getKey());
                float[] values = s.toFloatArray();
                System.arraycopy(values, 0, e.getValue().dataF32(), 0, values.length);
            }
        }
        listener.log("initialised from " + folder);
        return freshStem;
    }

    /** Up to 64 training pictures spread over the list (their own codes, not views), as summary sites. */
    private static List<SummarySite> stemSample(List<Manifest.Entry> train, Map<String, EncodedVisual> codes, VisionTokens tokens) {
        List<Manifest.Entry> pictures = train.stream().filter(e -> !codes.get(e.id()).video()).toList();
        List<SummarySite> out = new ArrayList<>();
        int stride = Math.max(1, pictures.size() / 64);
        for (int i = 0; i < pictures.size() && out.size() < 64; i += stride) {
            EncodedVisual v = codes.get(pictures.get(i).id());
            int[] ids = tokens.visualIds(v.codes());
            out.add(new SummarySite(0, 0, ids, v.grid().height(), v.grid().width()));
        }
        return out;
    }

    private static String shape(LlamaConfig c) {
        return "hidden " + c.hiddenSize() + ", layers " + c.numHiddenLayers() + ", heads " + c.numAttentionHeads() + "/" + c.numKeyValueHeads()
                + ", ffn " + c.intermediateSize() + ", vocab " + c.vocabSize() + ", rope theta " + c.ropeTheta();
    }

    /**
     * One training sample: entry, then direction (when both), then the view (visual to text, entries with
     * views only) or caption dropout (text to visual), then with --short-answers whether a visual-to-text
     * answer is cut to its first clause, then with --collapse-hidden whether its image is collapsed, all from
     * the data stream.
     */
    private Sample draw(List<Manifest.Entry> train, double[] cumulative, double i2tShare, Map<String, EncodedVisual> codes, Emu3Processor p, Rng rng) {
        Manifest.Entry e = train.get(cumulative == null ? rng.nextInt(train.size()) : pick(cumulative, rng.nextDouble()));
        String dir = direction(i2tShare, rng);
        EncodedVisual v = codes.get(PictureViews.key(e.id(), dir.equals("i2t") ? view(e, rng) : 0));
        if (!dir.equals("i2t")) return textToVisual(e, v, p, rng);
        String answer = answer(e.caption(), o.shortAnswers(), rng);
        if (o.summary().collapse() && rng.nextDouble() < o.summary().only() && v.frames() == 1 && !v.video()) {
            return Sample.visualToTextCollapsed(p, o.question(), answer, v);
        }
        return Sample.visualToText(p, o.question(), answer, v);
    }

    /**
     * The caption, or with chance {@code shortAnswers} its first clause. Without short answers nothing is
     * drawn, so such runs keep the data streams of earlier versions (and their checkpoints resume).
     */
    static String answer(String caption, double shortAnswers, Rng rng) {
        return shortAnswers > 0 && rng.nextDouble() < shortAnswers ? firstClause(caption) : caption;
    }

    /** The caption up to its first comma (all of it without one). */
    static String firstClause(String caption) {
        int comma = caption.indexOf(',');
        return comma < 0 ? caption : caption.substring(0, comma);
    }

    /** The picture (0) or one of its views, with equal chance; 0 without drawing for entries without views. */
    private int view(Manifest.Entry e, Rng rng) {
        int views = views(e);
        return views == 0 ? 0 : rng.nextInt(views + 1);
    }

    private Sample textToVisual(Manifest.Entry e, EncodedVisual v, Emu3Processor p, Rng rng) {
        // Caption dropout draws for every text-to-visual sample, so the data stream does not depend on its outcome.
        boolean drop = rng.nextDouble() < o.captionDropout();
        return Sample.textToVisual(p, drop ? "" : e.caption(), v, o.visionOnly());
    }

    /**
     * The training forward: with {@code --summary-only}, each captioning picture of the batch has its
     * codes replaced by pad with that chance (one draw per such picture, from the data stream) while its
     * summary still reads them, so the caption must come through the summary (tools/demo/code_probe.py:
     * without this the summary is one more token the model learns to ignore). With --collapse-hidden those
     * pictures were collapsed when drawn instead, and their sites come with the batch.
     */
    private Tensor trainingLogits(LlamaModel model, Batch b, VisionTokens tokens, Rng rng) {
        List<SummarySite> sites = model.sites(b.inputs());
        if (!b.sites().isEmpty()) {
            sites = new ArrayList<>(sites);
            sites.addAll(b.sites());
        }
        Tensor inputs = b.inputs();
        if (o.summary().only() > 0 && !o.summary().collapse() && !sites.isEmpty()) {
            int t = inputs.size(1);
            int[] ids = inputs.toIntArray(), targets = b.targets().toIntArray();
            for (SummarySite site : sites) {
                int first = site.position() - 1 - site.height() * (site.width() + 1);           // the first code
                boolean captioning = targets[site.row() * t + first - 1] == IGNORE;              // its codes are not predicted
                if (!captioning || rng.nextDouble() >= o.summary().only()) continue;
                for (int y = 0; y < site.height(); y++) {
                    for (int x = 0; x < site.width(); x++) ids[site.row() * t + first + y * (site.width() + 1) + x] = tokens.pad();
                }
            }
            inputs = Tensor.ofInts(ids, inputs.size(0), t);
        }
        Tensor hidden = model.forward(inputs, sites, 0, null, o.dropout(), rng);             // (B, T, dim)
        Tensor logits = model.logits(hidden);                                                // (B, T, vocab)
        return logits.reshape(logits.size(0) * logits.size(1), logits.size(2));
    }

    private static Tensor logits(LlamaModel model, Batch b, float dropout, Rng rng) {
        Tensor hidden = model.forward(b.inputs(), 0, null, dropout, rng);                   // (B, T, dim)
        Tensor logits = model.logits(hidden);                                                // (B, T, vocab)
        return logits.reshape(logits.size(0) * logits.size(1), logits.size(2));
    }

    /** Adds each predicted token's nll to its modality's sum (unweighted), for the report. */
    private static void modalityLoss(Tensor logits, Batch b, double[] sums, long[] counts) {
        try (var ng = GradMode.noGrad()) {
            float[] lp = Softmax.logSoftmax(logits.detach(), 1).dataF32();
            int vocab = logits.size(1);
            int[] t = b.targets().toIntArray();
            for (int i = 0; i < t.length; i++) {
                if (t[i] == IGNORE) continue;
                sums[b.kinds()[i]] -= lp[i * vocab + t[i]];
                counts[b.kinds()[i]]++;
            }
        }
    }

    private double validate(LlamaModel model, List<Sample> samples, int pad) {
        return validationLoss(model, samples, pad, o.visionWeight(), o.batch());
    }

    /**
     * Mean weighted loss over all validation samples without dropout; NaN without any. Samples run in
     * batches of {@code rows}, shortest first so a batch pads little (padding after a sample's end changes
     * none of its positions): the demo's 848 validation samples took 43-52 s of a checkpoint one at a time,
     * 33-35 s batched (a one-row GEMM spends about a third of its time packing the weights).
     */
    static double validationLoss(LlamaModel model, List<Sample> samples, int pad, float visionWeight, int rows) {
        if (samples.isEmpty()) return Double.NaN;
        List<Sample> byLength = new ArrayList<>(samples);
        byLength.sort(java.util.Comparator.comparingInt(Sample::length));
        double sum = 0;
        long count = 0;
        try (var ng = GradMode.noGrad()) {
            for (int i = 0; i < byLength.size(); i += rows) {
                Batch b = Batch.of(byLength.subList(i, Math.min(byLength.size(), i + rows)), pad, visionWeight);
                long n = b.predicted();
                if (n == 0) continue;
                sum += Losses.crossEntropy(logits(model, b, 0f, null), b.targets(), b.weights(), IGNORE).item() * (double) n;
                count += n;
            }
        }
        return count == 0 ? Double.NaN : sum / count;
    }

    /**
     * A standard model folder, built in a temporary sibling and renamed into place: config.json (Llama
     * fields, Emu3's token ids, and ours: image_area (the largest picture area trained on, at most
     * --image-area), generation_grid (the grid of the first training
     * item, for reference: generation derives its grid from image_area and the ratio), chat_template),
     * model.safetensors (F32), the tokenizer files and a copy of the vision tokenizer in vision_tokenizer/.
     */
    private void writeModelFolder(LlamaConfig config, LlamaWeights weights, VisionTokens tokens, Emu3Processor.GridSize grid,
                                  long imageArea) throws IOException {
        Path out = o.output().toAbsolutePath();
        Path parent = out.getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempDirectory(parent, "." + out.getFileName() + ".tmp");
        try {
            ObjectNode c = JSON.valueToTree(config);
            // Ours alone: a folder without it reads as false, so plain models keep Emu3's field set.
            if (!config.visualSummary()) c.remove("visual_summary");
            c.putArray("architectures").add("Emu3ForCausalLM");
            c.put("model_type", "Emu3");
            c.put("torch_dtype", "float32");
            c.put("bos_token_id", tokens.bos());
            c.put("eos_token_id", tokens.eos());
            c.put("pad_token_id", tokens.pad());
            c.put("img_token_id", tokens.img());
            c.put("boi_token_id", tokens.boi());
            c.put("eoi_token_id", tokens.eoi());
            c.put("eol_token_id", tokens.eol());
            c.put("eof_token_id", tokens.eof());
            c.put("image_area", imageArea);
            c.putArray("generation_grid").add(grid.height()).add(grid.width());
            c.put("chat_template", o.chatTemplate());
            JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.resolve("config.json").toFile(), c);

            SafeTensorsWriter w = new SafeTensorsWriter();
            weights.named().forEach((name, t) -> w.addFloats(name, DType.F32, java.util.Arrays.stream(t.shape()).asLongStream().toArray(), t.dataF32()));
            w.metadata("format", "pt");
            w.write(tmp.resolve("model.safetensors"));
            copyTokenizer(o.tokenizer(), tmp);
            Path vqOut = Files.createDirectory(tmp.resolve(Emu3Bundle.VISION_SUBFOLDER));
            try (var files = Files.list(o.vq())) {
                for (Path f : files.filter(Files::isRegularFile).toList()) Files.copy(f, vqOut.resolve(f.getFileName()));
            }
            replace(tmp, out);
        } finally {
            deleteTree(tmp);
        }
    }

    private static void copyTokenizer(Path tokenizer, Path dir) throws IOException {
        if (Files.isRegularFile(tokenizer)) {
            Files.copy(tokenizer, dir.resolve("tokenizer.json"));
            return;
        }
        for (String name : new String[] {"tokenizer.json", "vocab.json", "merges.txt", "emu3.tiktoken", "emu3_vision_tokens.txt", "tokenizer_config.json"}) {
            Path f = tokenizer.resolve(name);
            if (Files.isRegularFile(f)) Files.copy(f, dir.resolve(name));
        }
    }

    /** Moves the finished folder over out; an existing out must itself be a model folder, which is then deleted. */
    private static void replace(Path finished, Path out) throws IOException {
        if (Files.exists(out)) {
            if (!Files.isRegularFile(out.resolve("config.json"))) {
                throw new IOException(out + " exists and is not a model folder (no config.json); refusing to replace it");
            }
            Path old = out.resolveSibling("." + out.getFileName() + ".old" + System.nanoTime());
            Files.move(out, old, StandardCopyOption.ATOMIC_MOVE);
            Files.move(finished, out, StandardCopyOption.ATOMIC_MOVE);
            deleteTree(old);
        } else {
            Files.move(finished, out, StandardCopyOption.ATOMIC_MOVE);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) return;
        try (var walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
