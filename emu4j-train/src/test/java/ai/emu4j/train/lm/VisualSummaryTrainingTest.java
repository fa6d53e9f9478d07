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
                b.clip(), b.visionWeight(), b.visionOnly(), b.captionDropout(), tasks, b.question(), b.chatTemplate(), b.pack(), b.init(),
                b.sourceWeights(), b.views(), b.visualInit(), b.freezeVisualInput(), pairs ? new LmOptions.Pairs("thing", 0.5f, 2) : LmOptions.Pairs.OFF,
                summary, b.checkpointEvery(), resume, b.seed());
    }

    private static byte[] weights(Path model) throws IOException {
        return Files.readAllBytes(model.resolve("model.safetensors"));
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

    @Test
    void optionsThatNeedTheStemOrThePairsAreRefused() {
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
    }
}
