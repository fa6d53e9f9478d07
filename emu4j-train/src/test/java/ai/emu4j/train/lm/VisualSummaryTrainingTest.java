package ai.emu4j.train.lm;

import ai.emu4j.core.tensor.Tensor;
import ai.emu4j.models.emu3.Emu3Bundle;
import ai.emu4j.models.emu3.Understanding;
import ai.emu4j.models.sampling.Sampler;
import ai.emu4j.models.vq.RgbImage;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code train lm --visual-summary [--summary-only P] [--pair-on summary]} end to end on the tiny setup. */
class VisualSummaryTrainingTest {
    private static LmOptions with(LmOptions b, String tasks, boolean pairs, LmOptions.Summary summary, long steps, boolean resume) {
        return new LmOptions(b.data(), b.tokenizer(), b.vq(), b.output(), b.hidden(), b.layers(), b.heads(), b.kvHeads(), b.ffn(), b.context(), b.ropeTheta(),
                b.dropout(), b.imageArea(), b.batch(), b.accum(), steps, b.lr(), b.minLr(), b.warmup(), b.weightDecay(), b.beta1(), b.beta2(), b.eps(),
                b.clip(), b.visionWeight(), b.visionOnly(), b.captionDropout(), b.shortAnswers(), tasks, b.question(), b.chatTemplate(), b.pack(), b.init(),
                b.sourceWeights(), b.views(), b.visualInit(), b.freezeVisualInput(), pairs ? new LmOptions.Pairs("thing", 0.5f, 2) : LmOptions.Pairs.OFF,
                summary, b.checkpointEvery(), resume, b.seed());
    }

    private static byte[] weights(Path model) throws IOException {
        return Files.readAllBytes(model.resolve("model.safetensors"));
    }

    @Test
    void summaryNoiseChangesTrainingOnlyAndResumesBitExact(@TempDir Path dir) throws IOException {
        TinySetup.Paths p = TinySetup.write(dir);
        LmOptions.Summary quiet = new LmOptions.Summary(true, 0.5, false), noisy = new LmOptions.Summary(true, 0.5, false, false, LmOptions.Names.OFF, 0.5f);
        Path a = dir.resolve("a/model"), b = dir.resolve("b/model"), c = dir.resolve("c/model");
        List<Double> valA = new ArrayList<>();
        new LmTrainer(with(TinySetup.options(p, a, 6, false), "both", false, noisy, 6, false)).run(new LmTrainer.Listener() {
            @Override
            public void step(LmTrainer.StepReport r) {}

            @Override
            public void checkpoint(long step, double valLoss, Path file) {
                valA.add(valLoss);
            }
        }, null);
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        new LmTrainer(with(TinySetup.options(p, b, 6, false), "both", false, noisy, 6, false)).run(r -> stop.set(r.step() == 3), stop);
        new LmTrainer(with(TinySetup.options(p, b, 6, true), "both", false, noisy, 6, true)).run(r -> {}, null);
        assertArrayEquals(weights(a), weights(b), "with summary noise, stopped at 3 and resumed = straight run, bit for bit");
        new LmTrainer(with(TinySetup.options(p, c, 6, false), "both", false, quiet, 6, false)).run(r -> {}, null);
        assertFalse(java.util.Arrays.equals(weights(a), weights(c)), "the noise changes what is learnt");
        assertTrue(valA.stream().allMatch(Double::isFinite), valA.toString());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new LmOptions.Summary(false, 0, false, false, LmOptions.Names.OFF, 0.5f))
                .getMessage().contains("--summary-noise"));
    }

    @Test
    void trainsWritesAFolderThatCaptionsAndResumesBitExact(@TempDir Path dir) throws IOException {
        TinySetup.Paths p = TinySetup.write(dir);
        PairLossTest.addPairAttribute(p.data());
        LmOptions.Summary summary = new LmOptions.Summary(true, 0.5, true);
        Path a = dir.resolve("a/model"), b = dir.resolve("b/model");
        List<Double> pairLosses = new ArrayList<>();
        new LmTrainer(with(TinySetup.options(p, a, 6, false), "both", true, summary, 6, false)).run(r -> pairLosses.add(r.pairLoss()), null);
        for (double l : pairLosses) assertTrue(Double.isFinite(l) && l > 0, "pair loss on the summaries every step: " + pairLosses);

        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        new LmTrainer(with(TinySetup.options(p, b, 6, false), "both", true, summary, 6, false)).run(r -> stop.set(r.step() == 3), stop);
        new LmTrainer(with(TinySetup.options(p, b, 6, true), "both", true, summary, 6, true)).run(r -> {}, null);
        assertArrayEquals(weights(a), weights(b), "stopped at 3 and resumed = straight run, bit for bit");

        assertTrue(new ObjectMapper().readTree(a.resolve("config.json").toFile()).get("visual_summary").asBoolean());
        try (Emu3Bundle bundle = Emu3Bundle.load(a)) {
            assertTrue(bundle.model().weights().named().containsKey("model.visual_summary.conv2.bias"));
            RgbImage picture = new RgbImage(16, 16, new byte[3 * 16 * 16]);
            int[] prompt = bundle.processor().understandingPrompt(bundle.encodeImage(picture).block(bundle.processor()), "Describe the image");
            assertEquals(1, bundle.model().sites(Tensor.ofInts(prompt, 1, prompt.length)).size(), "the prompt's picture is summarised");
            int[] answer = new Understanding(bundle.model(), bundle.tokens(), bundle.tokenizer()).answer(prompt, new Sampler(0f, 0, 1f, 0), 8, null, null);
            assertTrue(answer.length > 0);
        }
        Path plainModel = dir.resolve("plain/model");
        new LmTrainer(TinySetup.options(p, plainModel, 3, false)).run(r -> {}, null);
        assertFalse(new ObjectMapper().readTree(plainModel.resolve("config.json").toFile()).has("visual_summary"), "plain folders keep Emu3's fields");
        try (Emu3Bundle plain = Emu3Bundle.load(plainModel)) {
            assertFalse(plain.model().config().visualSummary(), "a folder without the field reads as no stem");
        }
    }

    @Test
    void summaryOnlyHidesTheCodesOfCaptioningPicturesAlone(@TempDir Path dir) throws IOException {
        TinySetup.Paths p = TinySetup.write(dir);
        LmOptions.Summary none = new LmOptions.Summary(true, 0, false), all = new LmOptions.Summary(true, 1, false);
        Path t2iNone = dir.resolve("t0/model"), t2iAll = dir.resolve("t1/model"), i2tNone = dir.resolve("i0/model"), i2tAll = dir.resolve("i1/model");
        new LmTrainer(with(TinySetup.options(p, t2iNone, 3, false), "t2i", false, none, 3, false)).run(r -> {}, null);
        new LmTrainer(with(TinySetup.options(p, t2iAll, 3, false), "t2i", false, all, 3, false)).run(r -> {}, null);
        assertArrayEquals(weights(t2iNone), weights(t2iAll), "text-to-picture samples keep their codes");
        new LmTrainer(with(TinySetup.options(p, i2tNone, 3, false), "i2t", false, none, 3, false)).run(r -> {}, null);
        new LmTrainer(with(TinySetup.options(p, i2tAll, 3, false), "i2t", false, all, 3, false)).run(r -> {}, null);
        assertFalse(Arrays.equals(weights(i2tNone), weights(i2tAll)), "captioning samples lose theirs");
    }

    /**
     * A fresh stem is sized so its summaries are as long as the embedding rows they are added to (the
     * default init made them several times shorter, and the model was slow to start reading them); a
     * stem that comes with --init, or from a checkpoint, keeps its weights.
     */
    @Test
    void aFreshStemIsSizedToTheTokenEmbeddings(@TempDir Path dir) throws IOException {
        TinySetup.Paths p = TinySetup.write(dir);
        LmOptions.Summary summary = new LmOptions.Summary(true, 0.0, false);
        Path a = dir.resolve("a/model"), b = dir.resolve("b/model");
        List<String> log = new ArrayList<>();
        LmTrainer.Listener listener = new LmTrainer.Listener() {
            @Override public void log(String line) { log.add(line); }
            @Override public void step(LmTrainer.StepReport r) {}
        };
        new LmTrainer(still(with(TinySetup.options(p, a, 3, false), "both", false, summary, 3, false), null)).run(listener, null);
        assertTrue(log.stream().anyMatch(l -> l.startsWith("visual summary stem sized")), log.toString());
        try (Emu3Bundle bundle = Emu3Bundle.load(a)) {
            var manifest = Manifest.read(p.data());
            List<ai.emu4j.models.llama.SummarySite> sites = new ArrayList<>();
            for (Manifest.Entry e : manifest.split("train")) {
                if (e.video()) continue;
                var v = bundle.encodeImage(ai.emu4j.models.vq.VQImages.read(e.file()));
                int[] ids = new int[v.codes().length];
                for (int k = 0; k < ids.length; k++) ids[k] = bundle.tokens().visualId(v.codes()[k]);
                sites.add(new ai.emu4j.models.llama.SummarySite(0, 0, ids, v.grid().height(), v.grid().width()));
            }
            double summaries = SummaryInit.meanRowNorm(bundle.model().summaries(sites)), rows = SummaryInit.meanRowNorm(bundle.model().weights().embedTokens());
            assertEquals(rows, summaries, 0.05 * rows, "mean summary norm against mean embedding row norm");
        }

        log.clear();
        new LmTrainer(still(with(TinySetup.options(p, b, 3, false), "both", false, summary, 3, false), a)).run(listener, null);
        assertTrue(log.stream().noneMatch(l -> l.startsWith("visual summary stem sized")), "a stem from --init is kept: " + log);
    }

    /** b with --init init and a learning rate too small to move the weights in a step: what the folder holds is the init. */
    private static LmOptions still(LmOptions b, Path init) {
        return new LmOptions(b.data(), b.tokenizer(), b.vq(), b.output(), b.hidden(), b.layers(), b.heads(), b.kvHeads(), b.ffn(), b.context(), b.ropeTheta(),
                b.dropout(), b.imageArea(), b.batch(), b.accum(), 1, 1e-12, 0, 0, 0, b.beta1(), b.beta2(), b.eps(), b.clip(), b.visionWeight(),
                b.visionOnly(), b.captionDropout(), b.shortAnswers(), b.tasks(), b.question(), b.chatTemplate(), b.pack(), init, b.sourceWeights(), b.views(), b.visualInit(),
                b.freezeVisualInput(), b.pairs(), b.summary(), b.checkpointEvery(), b.resume(), b.seed());
    }


    /** --collapse-hidden: the picture's rows leave the sequence, its codes go with the sample as a site at its eoi. */
    @Test
    void collapsedSamplesKeepHeaderEofEoiAndCarryTheirSiteThroughPacking(@TempDir Path dir) throws IOException {
        TinySetup.Paths p = TinySetup.write(dir);
        var tok = ai.emu4j.models.tokenizer.TextTokenizers.load(p.tokenizer());
        var vt = ai.emu4j.models.emu3.VisionTokens.from(tok);
        var proc = new ai.emu4j.models.emu3.Emu3Processor(tok, vt);
        var grid = new ai.emu4j.models.emu3.Emu3Processor.GridSize(2, 3);
        var v = new ai.emu4j.models.emu3.EncodedVisual(new int[] {1, 2, 3, 4, 5, 6}, 1, grid, false);
        Sample full = Sample.visualToText(proc, "Describe the image", "a red disc", v);
        Sample c = Sample.visualToTextCollapsed(proc, "Describe the image", "a red disc", v);
        int[] header = proc.imageHeader(1, grid, false), block = Arrays.copyOf(header, header.length + 2);
        block[header.length] = vt.eof();
        block[header.length + 1] = vt.eoi();
        int[] prompt = proc.understandingPrompt(block, "Describe the image");
        assertArrayEquals(prompt, Arrays.copyOf(c.tokens(), prompt.length), "the chat template around header, eof, eoi");
        assertEquals(full.length() - 2 * (3 + 1), c.length(), "two rows of three codes and their eols are gone");
        assertArrayEquals(Arrays.copyOfRange(full.tokens(), full.length() - 6, full.length()), Arrays.copyOfRange(c.tokens(), c.length() - 6, c.length()),
                "the same answer");
        assertArrayEquals(Arrays.copyOfRange(full.kinds(), full.length() - 6, full.length()), Arrays.copyOfRange(c.kinds(), c.length() - 6, c.length()));
        assertEquals(1, c.sites().size());
        Sample.Site site = c.sites().getFirst();
        assertEquals(vt.eoi(), c.tokens()[site.position()]);
        var shown = new ai.emu4j.models.emu3.PictureSites(vt).find(0, full.tokens());
        assertEquals(1, shown.size());
        assertArrayEquals(shown.getFirst().codes(), site.codes(), "the stem reads the same token ids whether the picture is shown or collapsed");
        assertEquals(vt.visualId(1), site.codes()[0]);
        assertEquals(2, site.height());
        assertEquals(3, site.width());
        assertTrue(new ai.emu4j.models.emu3.PictureSites(vt).find(0, c.tokens()).isEmpty(), "the finder sees no picture in a collapsed block");
        assertThrows(IllegalArgumentException.class, () -> Sample.visualToTextCollapsed(proc, "q", "x",
                new ai.emu4j.models.emu3.EncodedVisual(new int[12], 2, grid, true)));

        Sample packed = Sample.concat(List.of(full, c, c));
        assertEquals(List.of(full.length() + site.position(), full.length() + c.length() + site.position()),
                packed.sites().stream().map(Sample.Site::position).toList());
        Batch b = Batch.of(List.of(c, packed), vt.pad(), 0.5f);
        assertEquals(List.of(0, 1, 1), b.sites().stream().map(ai.emu4j.models.llama.SummarySite::row).toList());
        assertEquals(List.of(site.position(), full.length() + site.position(), full.length() + c.length() + site.position()),
                b.sites().stream().map(ai.emu4j.models.llama.SummarySite::position).toList());
        int[] inputs = b.inputs().toIntArray();
        for (var s : b.sites()) assertEquals(vt.eoi(), inputs[s.row() * b.inputs().size(1) + s.position()]);
    }

    @Test
    void collapsedTrainingRunsResumesBitExactAndDiffersFromPadding(@TempDir Path dir) throws IOException {
        TinySetup.Paths p = TinySetup.write(dir);
        LmOptions.Summary padded = new LmOptions.Summary(true, 0.5, false), collapsed = new LmOptions.Summary(true, 0.5, false, true);
        Path pad = dir.resolve("pad/model"), a = dir.resolve("a/model"), b = dir.resolve("b/model");
        new LmTrainer(with(TinySetup.options(p, pad, 6, false, true), "i2t", false, padded, 6, false)).run(r -> {}, null);
        new LmTrainer(with(TinySetup.options(p, a, 6, false, true), "i2t", false, collapsed, 6, false)).run(r -> {}, null);
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        new LmTrainer(with(TinySetup.options(p, b, 6, false, true), "i2t", false, collapsed, 6, false)).run(r -> stop.set(r.step() == 3), stop);
        new LmTrainer(with(TinySetup.options(p, b, 6, true, true), "i2t", false, collapsed, 6, true)).run(r -> {}, null);
        assertArrayEquals(weights(a), weights(b), "stopped at 3 and resumed = straight run, bit for bit");
        assertFalse(Arrays.equals(weights(pad), weights(a)), "collapsing changes the sequences");
        try (Emu3Bundle bundle = Emu3Bundle.load(a)) {
            assertTrue(bundle.model().config().visualSummary(), "a collapsed run's folder is an ordinary visual-summary model");
        }
    }

    @Test
    void optionsThatNeedTheStemOrThePairsAreRefused() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new LmOptions.Summary(true, 0, false, true)).getMessage().contains("--summary-only"));
        assertThrows(IllegalArgumentException.class, () -> new LmOptions.Summary(false, 0.5, false));
        assertThrows(IllegalArgumentException.class, () -> new LmOptions.Summary(false, 0, true));
        assertThrows(IllegalArgumentException.class, () -> new LmOptions.Summary(true, 1.5, false));
        assertThrows(IllegalArgumentException.class, () -> new LmOptions.Summary(true, Double.NaN, false));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> with(TinySetup.options(new TinySetup.Paths(Path.of("d"), Path.of("v"), Path.of("t")), Path.of("o"), 3, false), "both", false, new LmOptions.Summary(true, 0, true), 3, false));
        assertTrue(e.getMessage().contains("--pair-by"), e.getMessage());
    }

    @Test
    void theOptionKeyIsUnchangedWithoutTheStem(@TempDir Path dir) throws IOException {
        LmOptions plain = TinySetup.options(new TinySetup.Paths(dir, dir, dir), dir.resolve("m"), 3, false);
        assertFalse(plain.mathKey().contains("summary"));
        assertTrue(with(plain, "both", false, new LmOptions.Summary(true, 0.25, false), 3, false).mathKey().endsWith(",summary=0.25"));
        assertTrue(with(plain, "both", false, new LmOptions.Summary(true, 0.25, false, true), 3, false).mathKey().endsWith(",summary=0.25:collapse"));
    }
}
