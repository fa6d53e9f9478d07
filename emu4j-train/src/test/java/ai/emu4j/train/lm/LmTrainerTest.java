package ai.emu4j.train.lm;

import ai.emu4j.models.emu3.Emu3Bundle;
import ai.emu4j.models.emu3.Emu3Processor;
import ai.emu4j.models.emu3.ImageGenerator;
import ai.emu4j.models.emu3.Understanding;
import ai.emu4j.models.sampling.Sampler;
import ai.emu4j.models.vq.RgbImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LmTrainerTest {
    private static final long STEPS = 16;

    private static final class Recorder implements LmTrainer.Listener {
        final List<LmTrainer.StepReport> steps = new ArrayList<>();
        final List<Double> val = new ArrayList<>();
        final List<Boolean> folderThere = new ArrayList<>();
        final List<String> log = new ArrayList<>();
        final AtomicBoolean stop = new AtomicBoolean();
        final long stopAt;

        Recorder(long stopAt) {
            this.stopAt = stopAt;
        }

        @Override public void log(String line) { log.add(line); }
        @Override public void step(LmTrainer.StepReport r) {
            steps.add(r);
            if (r.step() == stopAt) stop.set(true);
        }
        @Override public void checkpoint(long step, double valLoss, Path file) {
            val.add(valLoss);
            String folder = file.getFileName().toString().replace(".ckpt.safetensors", "");
            folderThere.add(Files.isRegularFile(file.resolveSibling(folder).resolve("model.safetensors")));
        }
    }

    @Test
    void lossFallsResumeIsBitExactAndTheFolderRuns(@TempDir Path dir) throws IOException {
        TinySetup.Paths p = TinySetup.write(dir);

        Recorder straight = new Recorder(-1);
        Path outA = dir.resolve("a/model");
        LmTrainer.Result ra = new LmTrainer(TinySetup.options(p, outA, STEPS, false)).run(straight, straight.stop);
        assertEquals(STEPS, ra.step());
        assertFalse(ra.stopped());
        assertEquals(STEPS, straight.steps.size());
        double first = (straight.steps.get(0).loss() + straight.steps.get(1).loss()) / 2;
        double last = (straight.steps.get(14).loss() + straight.steps.get(15).loss()) / 2;
        assertTrue(last < 0.8 * first, "training loss should fall: " + first + " -> " + last);
        for (LmTrainer.StepReport r : straight.steps) {
            assertTrue(Double.isFinite(r.textLoss()) && Double.isFinite(r.visionLoss()), "both modalities every step: " + r);
            assertTrue(r.tokensPerSecond() > 0);
        }
        assertEquals(2, straight.val.size(), "checkpoints at 8 and 16");
        assertEquals(List.of(true, true), straight.folderThere, "the model folder is written at every checkpoint, not only at the end");
        assertTrue(straight.val.get(1) < straight.val.get(0), "validation loss should fall: " + straight.val);
        assertTrue(Files.isRegularFile(outA.resolveSibling("model.tokens.json")));

        // Killed after step 5 (a checkpoint is written on stop), then resumed to the end.
        Path outB = dir.resolve("b/model");
        Recorder killed = new Recorder(5);
        LmTrainer.Result rb = new LmTrainer(TinySetup.options(p, outB, STEPS, false)).run(killed, killed.stop);
        assertTrue(rb.stopped());
        assertEquals(5, rb.step());
        assertTrue(Files.isRegularFile(outB.resolve("model.safetensors")) && Files.isRegularFile(outB.resolve("config.json")),
                "a stopped run leaves its model folder beside the checkpoint");
        Recorder resumed = new Recorder(-1);
        LmTrainer.Result rc = new LmTrainer(TinySetup.options(p, outB, STEPS, true)).run(resumed, resumed.stop);
        assertEquals(STEPS, rc.step());
        assertEquals(STEPS - 5, resumed.steps.size());
        assertTrue(resumed.log.stream().anyMatch(l -> l.startsWith("read VQ codes")), "second run reads the cache: " + resumed.log);
        assertArrayEquals(Files.readAllBytes(outA.resolve("model.safetensors")), Files.readAllBytes(outB.resolve("model.safetensors")),
                "resumed weights must equal the straight run's bit for bit");
        assertEquals(straight.steps.get(15).loss(), resumed.steps.get(resumed.steps.size() - 1).loss());

        // Different maths on resume is refused.
        LmOptions other = TinySetup.options(p, outB, STEPS + 1, true);
        assertThrows(IllegalArgumentException.class, () -> new LmTrainer(other).run(new Recorder(-1), null));

        // The output is a standard model folder: generation and captioning run from it.
        try (Emu3Bundle b = Emu3Bundle.load(outA)) {
            assertEquals(256, b.imageArea());
            Emu3Processor.GridSize grid = b.gridFor("1:1");
            assertEquals(new Emu3Processor.GridSize(4, 4), grid);
            int[] prompt = b.processor().generationPrompt("a red disc on white", grid);
            int[] codes = new ImageGenerator(b.model(), b.tokens()).generate(new ImageGenerator.Request(prompt,
                    b.processor().generationPrompt("", grid), 4, 4, 3f, new Sampler(1f, 0, 1f, 5)), null, null);
            RgbImage img = b.decodeImage(codes, grid);
            assertEquals(16, img.width());
            StringBuilder streamed = new StringBuilder();
            int[] answer = new Understanding(b.model(), b.tokens(), b.tokenizer()).answer(
                    b.processor().understandingPrompt(b.encodeImage(img).block(b.processor()), "Describe the image"),
                    new Sampler(0f, 0, 1f, 0), 12, streamed::append, null);
            assertEquals(b.tokenizer().decode(answer), streamed.toString());

            // Validation in batches of similar length gives the loss of one sample at a time.
            List<Sample> val = new ArrayList<>();
            String[] captions = {"a red disc on white", "a small blue square", "x", "two large green circles on the left of a red one"};
            for (int i = 0; i < captions.length; i++) {
                var v = b.encodeImage(new RgbImage(16, 16, new byte[3 * 16 * 16]));
                val.add(Sample.textToVisual(b.processor(), captions[i], v, false));
                val.add(Sample.visualToText(b.processor(), "Describe the image", captions[i], v));
            }
            double single = LmTrainer.validationLoss(b.model(), val, b.tokens().pad(), 0.5f, 1);
            assertTrue(Double.isFinite(single) && single > 0);
            for (int rows : new int[] {3, 8}) {
                assertEquals(single, LmTrainer.validationLoss(b.model(), val, b.tokens().pad(), 0.5f, rows), 1e-5 * single, "rows " + rows);
            }
            assertTrue(Double.isNaN(LmTrainer.validationLoss(b.model(), List.of(), b.tokens().pad(), 0.5f, 8)));
        }
    }

    @Test
    void packedRowsTrainToo(@TempDir Path dir) throws IOException {
        TinySetup.Paths p = TinySetup.write(dir);
        Recorder r = new Recorder(-1);
        new LmTrainer(TinySetup.options(p, dir.resolve("packed"), 10, false, true)).run(r, null);
        assertEquals(10, r.steps.size());
        assertTrue(r.steps.get(9).loss() < r.steps.get(0).loss(), "packed training loss should fall: " + r.steps.get(0) + " -> " + r.steps.get(9));
        Sample a = Sample.textToVisual(new Emu3Processor(ai.emu4j.models.tokenizer.TextTokenizers.load(p.tokenizer()),
                ai.emu4j.models.emu3.VisionTokens.from(ai.emu4j.models.tokenizer.TextTokenizers.load(p.tokenizer()))), "a red disc",
                new ai.emu4j.models.emu3.EncodedVisual(new int[] {1}, 1, new Emu3Processor.GridSize(1, 1), false), false);
        Sample two = Sample.concat(List.of(a, a));
        assertEquals(2 * a.length(), two.length());
        assertEquals(Sample.IGNORE, two.kinds()[a.length()], "the second sample's bos is not predicted");
    }

    @Test
    void fineTuningStartsFromAnotherFoldersWeights(@TempDir Path dir) throws IOException {
        TinySetup.Paths p = TinySetup.write(dir);
        Recorder base = new Recorder(-1);
        Path first = dir.resolve("base/model");
        new LmTrainer(TinySetup.options(p, first, STEPS, false)).run(base, null);

        Recorder tuned = new Recorder(-1);
        new LmTrainer(TinySetup.options(p, dir.resolve("tuned/model"), 3, false, false, first, java.util.Map.of())).run(tuned, null);
        assertTrue(tuned.log.contains("initialised from " + first), tuned.log.toString());
        double fresh = base.steps.get(0).loss(), started = tuned.steps.get(0).loss(), reached = base.steps.get((int) STEPS - 1).loss();
        assertTrue(started < 0.8 * fresh && Math.abs(started - reached) < 0.3 * fresh,
                "the first fine-tuning step should see the trained model's loss (" + reached + "), not a fresh one's (" + fresh + "): " + started);

        // Another architecture is refused by name.
        LmOptions o = TinySetup.options(p, dir.resolve("wide/model"), 3, false, false, first, java.util.Map.of());
        LmOptions wide = new LmOptions(o.data(), o.tokenizer(), o.vq(), o.output(), 48, o.layers(), o.heads(), o.kvHeads(), o.ffn(), o.context(),
                o.ropeTheta(), o.dropout(), o.imageArea(), o.batch(), o.accum(), o.steps(), o.lr(), o.minLr(), o.warmup(), o.weightDecay(), o.beta1(),
                o.beta2(), o.eps(), o.clip(), o.visionWeight(), o.visionOnly(), o.captionDropout(), o.shortAnswers(), o.tasks(), o.question(), o.chatTemplate(), o.pack(),
                o.init(), o.sourceWeights(), o.views(), o.visualInit(), o.freezeVisualInput(), o.pairs(), o.summary(), o.checkpointEvery(), o.resume(), o.seed());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new LmTrainer(wide).run(new Recorder(-1), null));
        assertTrue(e.getMessage().contains("--init") && e.getMessage().contains("hidden 32"), e.getMessage());
    }

    @Test
    void sourceWeightsSteerDrawsAndUnknownSourcesAreRefused(@TempDir Path dir) throws IOException {
        double[] cumulative = {1, 1, 3};   // weights 1, 0, 2
        assertEquals(0, LmTrainer.pick(cumulative, 0.0));
        assertEquals(0, LmTrainer.pick(cumulative, 0.33));
        assertEquals(2, LmTrainer.pick(cumulative, 0.34), "an entry of weight 0 is never drawn");
        assertEquals(2, LmTrainer.pick(cumulative, 0.999999));
        int[] hits = new int[3];
        ai.emu4j.core.util.Rng rng = new ai.emu4j.core.util.Rng(3);
        for (int i = 0; i < 30000; i++) hits[LmTrainer.pick(cumulative, rng.nextDouble())]++;
        assertEquals(0, hits[1]);
        assertEquals(2.0, hits[2] / (double) hits[0], 0.1, "draws follow the weights: " + java.util.Arrays.toString(hits));

        TinySetup.Paths p = TinySetup.write(dir);
        LmOptions unknown = TinySetup.options(p, dir.resolve("w/model"), 3, false, false, null, java.util.Map.of("emoji", 2.0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new LmTrainer(unknown).run(new Recorder(-1), null));
        assertTrue(e.getMessage().contains("--source-weight emoji"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TinySetup.options(p, dir.resolve("n/model"), 3, false, false, null, java.util.Map.of("", -1.0)));
        Recorder r = new Recorder(-1);
        new LmTrainer(TinySetup.options(p, dir.resolve("ok/model"), 3, false, false, null, java.util.Map.of("", 3.0))).run(r, null);
        assertEquals(3, r.steps.size(), "entries without a source field form the source \"\"");
    }

    @Test
    void captioningShareSteersDirections(@TempDir Path dir) throws IOException {
        java.util.List<String> both = java.util.List.of("t2i", "i2t");
        ai.emu4j.core.util.Rng a = new ai.emu4j.core.util.Rng(5), b = new ai.emu4j.core.util.Rng(5);
        for (int i = 0; i < 100; i++) assertEquals(both.get(b.nextInt(2)), LmTrainer.direction(Double.NaN, a), "\"both\" draws as it always did");
        ai.emu4j.core.util.Rng rng = new ai.emu4j.core.util.Rng(7);
        int i2t = 0;
        for (int i = 0; i < 20000; i++) if (LmTrainer.direction(0.8, rng).equals("i2t")) i2t++;
        assertEquals(0.8, i2t / 20000.0, 0.01);
        ai.emu4j.core.util.Rng one = new ai.emu4j.core.util.Rng(9), same = new ai.emu4j.core.util.Rng(9);
        assertEquals("i2t", LmTrainer.direction(1, one));
        assertEquals("t2i", LmTrainer.direction(0, one));
        assertEquals(same.nextLong(), one.nextLong(), "a single direction draws nothing");

        TinySetup.Paths p = TinySetup.write(dir);
        LmOptions o = TinySetup.options(p, dir.resolve("t/model"), 3, false, false, null, java.util.Map.of());
        for (String bad : java.util.List.of("i2t=0", "i2t=1", "i2t=1.5", "i2t=x", "i2t=", "t2i=0.5", "all")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> withTasks(o, bad), bad);
            assertTrue(e.getMessage().contains(bad), e.getMessage());
        }
        assertEquals(0.75, withTasks(o, "i2t=0.75").i2tShare());
        assertTrue(Double.isNaN(o.i2tShare()));
        Recorder r = new Recorder(-1);
        new LmTrainer(withTasks(o, "i2t=0.75")).run(r, null);
        assertEquals(3, r.steps.size());
    }

    @Test
    void shortAnswersCutCaptionsToTheirFirstClause(@TempDir Path dir) throws IOException {
        assertEquals("grinning face", LmTrainer.firstClause("grinning face, a noto emoji (smileys & emotion)"));
        assertEquals("a small red circle", LmTrainer.firstClause("a small red circle"));
        String caption = "grinning face, a noto emoji";
        ai.emu4j.core.util.Rng r = new ai.emu4j.core.util.Rng(3), same = new ai.emu4j.core.util.Rng(3);
        assertEquals(caption, LmTrainer.answer(caption, 0, r));
        assertEquals(same.nextLong(), r.nextLong(), "no short answers, no draw");
        assertEquals("grinning face", LmTrainer.answer(caption, 1, r));
        int cuts = 0;
        for (int i = 0; i < 10000; i++) if (LmTrainer.answer(caption, 0.3, r).equals("grinning face")) cuts++;
        assertEquals(0.3, cuts / 10000.0, 0.02);
        TinySetup.Paths p = TinySetup.write(dir);
        LmOptions o = withTasks(TinySetup.options(p, dir.resolve("full/model"), 3, false, false, null, java.util.Map.of()), "i2t");
        for (double bad : new double[] {-0.1, 1.5, Double.NaN}) assertThrows(IllegalArgumentException.class, () -> withTasks(o, "i2t", bad), "" + bad);
        IllegalArgumentException t2i = assertThrows(IllegalArgumentException.class, () -> withTasks(o, "t2i", 0.5));
        assertTrue(t2i.getMessage().contains("short answers"), t2i.getMessage());
        LmOptions cut = withTasks(o, "i2t", 1.0);
        assertTrue(cut.mathKey().contains("short=1.0") && !o.mathKey().contains("short"), "off leaves the key (and resumes) as before");
        Recorder shortened = new Recorder(-1);
        new LmTrainer(withOutput(cut, dir.resolve("short/model"))).run(shortened, null);
        assertEquals(3, shortened.steps.size());
    }

    private static LmOptions withTasks(LmOptions o, String tasks) {
        return withTasks(o, tasks, o.shortAnswers());
    }

    private static LmOptions withOutput(LmOptions o, Path output) {
        return new LmOptions(o.data(), o.tokenizer(), o.vq(), output, o.hidden(), o.layers(), o.heads(), o.kvHeads(), o.ffn(), o.context(), o.ropeTheta(),
                o.dropout(), o.imageArea(), o.batch(), o.accum(), o.steps(), o.lr(), o.minLr(), o.warmup(), o.weightDecay(), o.beta1(),
                o.beta2(), o.eps(), o.clip(), o.visionWeight(), o.visionOnly(), o.captionDropout(), o.shortAnswers(), o.tasks(), o.question(), o.chatTemplate(), o.pack(),
                o.init(), o.sourceWeights(), o.views(), o.visualInit(), o.freezeVisualInput(), o.pairs(), o.summary(), o.checkpointEvery(), o.resume(), o.seed());
    }

    private static LmOptions withTasks(LmOptions o, String tasks, double shortAnswers) {
        return new LmOptions(o.data(), o.tokenizer(), o.vq(), o.output(), o.hidden(), o.layers(), o.heads(), o.kvHeads(), o.ffn(), o.context(), o.ropeTheta(),
                o.dropout(), o.imageArea(), o.batch(), o.accum(), o.steps(), o.lr(), o.minLr(), o.warmup(), o.weightDecay(), o.beta1(),
                o.beta2(), o.eps(), o.clip(), o.visionWeight(), o.visionOnly(), o.captionDropout(), shortAnswers, tasks, o.question(), o.chatTemplate(), o.pack(),
                o.init(), o.sourceWeights(), o.views(), o.visualInit(), o.freezeVisualInput(), o.pairs(), o.summary(), o.checkpointEvery(), o.resume(), o.seed());
    }

    @Test
    void viewsAreEncodedIntoTheCacheForTrainingPicturesOnly(@TempDir Path dir) throws IOException {
        TinySetup.Paths p = TinySetup.write(dir);
        Path out = dir.resolve("v/model");
        Recorder r = new Recorder(-1);
        new LmTrainer(TinySetup.options(p, out, 4, false, false, null, java.util.Map.of(), java.util.Map.of("", 3))).run(r, null);
        assertEquals(4, r.steps.size());
        Manifest m = Manifest.read(p.data());
        var cache = new com.fasterxml.jackson.databind.ObjectMapper().readTree(out.resolveSibling("model.tokens.json").toFile());
        java.util.Set<String> ids = new java.util.HashSet<>();
        cache.path("entries").forEach(n -> ids.add(n.get("id").asText()));
        int count = 0;
        for (Manifest.Entry e : m.entries()) {
            boolean viewed = e.split().equals("train") && !e.video();
            if (e.split().equals("train") || e.split().equals("val")) count += viewed ? 4 : 1;
            for (int k = 1; k <= 3; k++) assertEquals(viewed, ids.contains(PictureViews.key(e.id(), k)), e.id() + " view " + k);
        }
        int expected = count;
        assertEquals(expected, ids.size());
        assertTrue(r.log.stream().anyMatch(l -> l.startsWith("encoded " + expected + " ")), r.log.toString());

        Recorder again = new Recorder(-1);
        new LmTrainer(TinySetup.options(p, out, 4, false, false, null, java.util.Map.of(), java.util.Map.of("", 3))).run(again, null);
        assertTrue(again.log.stream().anyMatch(l -> l.startsWith("read VQ codes of " + expected + " ")), "same views: the cache is reused " + again.log);
        Recorder fewer = new Recorder(-1);
        new LmTrainer(TinySetup.options(p, out, 4, false, false, null, java.util.Map.of(), java.util.Map.of("", 1))).run(fewer, null);
        assertTrue(fewer.log.stream().anyMatch(l -> l.startsWith("encoded ")), "other views: re-encoded " + fewer.log);

        LmOptions unknown = TinySetup.options(p, dir.resolve("u/model"), 3, false, false, null, java.util.Map.of(), java.util.Map.of("emoji", 2));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new LmTrainer(unknown).run(new Recorder(-1), null));
        assertTrue(e.getMessage().contains("--views emoji"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TinySetup.options(p, dir.resolve("n/model"), 3, false, false, null, java.util.Map.of(),
                java.util.Map.of("", LmOptions.MAX_VIEWS + 1)));
        assertThrows(IllegalArgumentException.class, () -> TinySetup.options(p, dir.resolve("n/model"), 3, false, false, null, java.util.Map.of(),
                java.util.Map.of("", -1)));
    }

    @Test
    void appearanceInitSetsTheVisualRowsAndFreezingKeepsThem(@TempDir Path dir) throws IOException {
        TinySetup.Paths p = TinySetup.write(dir);
        float[][] visual = new float[3][], text = new float[3][];
        long[] steps = {4, 8, 4};
        boolean[] freeze = {true, true, false};
        for (int run = 0; run < 3; run++) {
            LmOptions base = TinySetup.options(p, dir.resolve("r" + run + "/model"), steps[run], false);
            LmOptions o = new LmOptions(base.data(), base.tokenizer(), base.vq(), base.output(), base.hidden(), base.layers(), base.heads(), base.kvHeads(),
                    base.ffn(), base.context(), base.ropeTheta(), base.dropout(), base.imageArea(), base.batch(), base.accum(), base.steps(), base.lr(),
                    base.minLr(), base.warmup(), base.weightDecay(), base.beta1(), base.beta2(), base.eps(), base.clip(), base.visionWeight(),
                    base.visionOnly(), base.captionDropout(), base.shortAnswers(), base.tasks(), base.question(), base.chatTemplate(), base.pack(), base.init(),
                    base.sourceWeights(), base.views(), "appearance", freeze[run], base.pairs(), base.summary(), base.checkpointEvery(), base.resume(), base.seed());
            Recorder r = new Recorder(-1);
            new LmTrainer(o).run(r, null);
            assertTrue(r.log.stream().anyMatch(l -> l.contains("what each code looks like")), r.log.toString());
            try (var loaded = ai.emu4j.models.llama.LlamaLoader.load(o.output())) {
                float[] e = loaded.model().weights().named().get("model.embed_tokens.weight").toFloatArray();
                var vt = ai.emu4j.models.emu3.VisionTokens.from(ai.emu4j.models.tokenizer.TextTokenizers.load(p.tokenizer()));
                int hidden = o.hidden();
                visual[run] = java.util.Arrays.copyOfRange(e, vt.visualBase() * hidden, (vt.visualBase() + vt.codebookSize()) * hidden);
                text[run] = java.util.Arrays.copyOfRange(e, 0, vt.visualBase() * hidden);
            }
        }
        assertArrayEquals(visual[0], visual[1], "frozen visual rows are the same after 4 and 8 steps");
        assertFalse(java.util.Arrays.equals(text[0], text[1]), "text rows keep learning");
        assertFalse(java.util.Arrays.equals(visual[0], visual[2]), "unfrozen visual rows learn");
        assertThrows(IllegalArgumentException.class, () -> {
            LmOptions b = TinySetup.options(p, dir.resolve("x/model"), 2, false);
            new LmOptions(b.data(), b.tokenizer(), b.vq(), b.output(), b.hidden(), b.layers(), b.heads(), b.kvHeads(), b.ffn(), b.context(), b.ropeTheta(),
                    b.dropout(), b.imageArea(), b.batch(), b.accum(), b.steps(), b.lr(), b.minLr(), b.warmup(), b.weightDecay(), b.beta1(), b.beta2(), b.eps(),
                    b.clip(), b.visionWeight(), b.visionOnly(), b.captionDropout(), b.shortAnswers(), b.tasks(), b.question(), b.chatTemplate(), b.pack(), b.init(),
                    b.sourceWeights(), b.views(), "pixels", false, b.pairs(), b.summary(), b.checkpointEvery(), b.resume(), b.seed());
        });
    }

    @Test
    void badManifestLinesAreNamed(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve(Manifest.FILE), "{\"id\": \"a\", \"file\": \"a.png\", \"kind\": \"image\", \"caption\": \"x\", \"split\": \"train\"}\n"
                + "{\"id\": \"b\", \"file\": \"b.png\", \"kind\": \"photo\", \"caption\": \"x\", \"split\": \"train\"}\n");
        IOException e = assertThrows(IOException.class, () -> Manifest.read(dir));
        assertTrue(e.getMessage().contains("line 2") && e.getMessage().contains("kind"), e.getMessage());
        Files.writeString(dir.resolve(Manifest.FILE), "{\"id\": \"a\", \"file\": \"../a.png\", \"kind\": \"image\", \"caption\": \"x\", \"split\": \"train\"}\n");
        assertTrue(assertThrows(IOException.class, () -> Manifest.read(dir)).getMessage().contains("outside"));
        Files.writeString(dir.resolve(Manifest.FILE), "{\"id\": \"a\", \"file\": \"a.png\", \"kind\": \"image\", \"caption\": \"x\", \"split\": \"train\", \"source\": 3}\n");
        assertTrue(assertThrows(IOException.class, () -> Manifest.read(dir)).getMessage().contains("\"source\" must be a string"));
        Files.writeString(dir.resolve(Manifest.FILE), "{\"id\": \"a\", \"file\": \"a.png\", \"kind\": \"image\", \"caption\": \"x\", \"split\": \"train\", \"source\": \"shapes\"}\n");
        assertEquals("shapes", Manifest.read(dir).entries().getFirst().source());
    }

    @Test
    void sequencesFollowTheGrammarAndMaskAsDocumented(@TempDir Path dir) throws IOException {
        TinySetup.Paths p = TinySetup.write(dir);
        var tok = ai.emu4j.models.tokenizer.TextTokenizers.load(p.tokenizer());
        var vt = ai.emu4j.models.emu3.VisionTokens.from(tok);
        var proc = new Emu3Processor(tok, vt);
        var v = new ai.emu4j.models.emu3.EncodedVisual(new int[] {1, 2, 3, 4}, 1, new Emu3Processor.GridSize(2, 2), false);
        Sample s = Sample.textToVisual(proc, "a red disc", v, false);
        int[] cap = tok.encode("a red disc");
        int n = cap.length;
        assertEquals(vt.bos(), s.tokens()[0]);
        assertEquals(vt.boi(), s.tokens()[1 + n]);
        assertEquals("2*2", tok.decode(java.util.Arrays.copyOfRange(s.tokens(), 2 + n, 5 + n)));
        assertEquals(vt.img(), s.tokens()[5 + n]);
        int[] body = java.util.Arrays.copyOfRange(s.tokens(), 6 + n, s.length());
        assertArrayEquals(new int[] {vt.visualId(1), vt.visualId(2), vt.eol(), vt.visualId(3), vt.visualId(4), vt.eol(), vt.eof(), vt.eoi(), vt.eos()}, body);
        assertEquals(Sample.IGNORE, s.kinds()[0]);
        assertEquals(Sample.TEXT, s.kinds()[1]);
        assertEquals(Sample.VISION, s.kinds()[6 + n]);
        assertEquals(Sample.VISION, s.kinds()[8 + n], "eol counts as vision");
        Sample sft = Sample.textToVisual(proc, "a red disc", v, true);
        for (int i = 0; i < sft.length(); i++) {
            assertEquals(vt.isVisual(sft.tokens()[i]) ? Sample.VISION : Sample.IGNORE, sft.kinds()[i], "vision-only labels at " + i);
        }
        Sample u = Sample.visualToText(proc, "Describe the image", "a red disc", v);
        int[] prompt = proc.understandingPrompt(v.block(proc), "Describe the image");
        assertArrayEquals(prompt, java.util.Arrays.copyOf(u.tokens(), prompt.length));
        assertEquals(" a red disc", tok.decode(java.util.Arrays.copyOfRange(u.tokens(), prompt.length, u.length() - 1)));
        for (int i = 0; i < u.length(); i++) assertEquals(i < prompt.length ? Sample.IGNORE : Sample.TEXT, u.kinds()[i]);
    }
}
