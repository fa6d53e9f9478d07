package ai.emu4j.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.emu4j.models.vq.RgbImage;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scoring on known cases: the dataset's own answers score (nearly) 1, blank answers score 0. */
class EvaluationTest {
    @TempDir
    static Path dir;
    static EvalData data;

    @BeforeAll
    static void writeData() throws IOException {
        data = EvalData.read(EvalFixtures.writeMix(dir));
    }

    private static Row row(Evaluation.Report r, String task, String metricPrefix) {
        return r.rows().stream().filter(x -> x.task().equals(task) && x.metric().startsWith(metricPrefix)).findFirst()
                .orElseThrow(() -> new AssertionError("no row " + task + " / " + metricPrefix + " in " + r.rows()));
    }

    @Test
    void groundTruthScoresPerfectly() throws IOException {
        Evaluation.Report r = Evaluation.run(new TruthModel(data), data, new Evaluation.Settings(0, 1, 3), EvalProgress.NONE);
        assertEquals(List.of(), r.skipped());
        assertEquals(TokenizerEval.MAX_PSNR, row(r, TokenizerEval.TASK, "PSNR").value());
        assertEquals(1, row(r, TokenizerEval.TASK, "PSNR beats").value());
        for (String m : List.of("colour", "shape", "count", "all correct")) assertEquals(1, row(r, ShapesEval.TASK, m + ", held-out").value(), m);
        assertEquals(1, row(r, EmojiGenerationEval.TASK, "identity top-1").value());
        assertEquals(1, row(r, EmojiNamingEval.TASK, "names the emoji, top-1").value());
        Row top5 = row(r, EmojiNamingEval.TASK, "names the emoji, top-5 of 3 candidates");
        assertEquals(1, top5.value());
        assertEquals(3, top5.n(), "the three held-out emoji");
        assertEquals(1, row(r, VideoEval.TASK, "direction matches").value());
        assertEquals(1, row(r, VideoEval.TASK, "object kept").value());
        assertEquals(0.25, row(r, VideoEval.TASK, "direction matches").baseline());
        assertEquals(0, row(r, VideoEval.TASK, "direction and object").baseline(), "a repeated frame does not move");
        assertEquals(1, row(r, "determinism", "same seed").value());
        assertEquals(0, row(r, "determinism", "different seeds").value(), "ground truth ignores the seed");
        assertTrue(r.seconds().keySet().containsAll(List.of(TokenizerEval.TASK, ShapesEval.TASK, VideoEval.TASK, "determinism")), r.seconds().toString());
    }

    @Test
    void blankAnswersScoreNothingAndLimitCapsItems() throws IOException {
        TruthModel blank = new TruthModel(data) {
            @Override
            public RgbImage generate(String caption, long seed) {
                return white();
            }

            @Override
            public List<RgbImage> extend(String caption, List<RgbImage> given, int newFrames, long seed) {
                return Collections.nCopies(newFrames, white());
            }
        };
        Evaluation.Report r = Evaluation.run(blank, data, new Evaluation.Settings(2, 1, 0), EvalProgress.NONE);
        assertEquals(0, row(r, ShapesEval.TASK, "all correct").value());
        assertEquals(0, row(r, ShapesEval.TASK, "count").value());
        assertEquals(0, row(r, VideoEval.TASK, "object kept").value());
        assertEquals(0, row(r, VideoEval.TASK, "direction matches").value(), "nothing moves");
        assertEquals(2, row(r, TokenizerEval.TASK, "PSNR").n());
        assertTrue(row(r, EmojiNamingEval.TASK, "names the emoji, top-5 of all 6 names").metric().contains("all 6"));
    }

    @Test
    void reportFormats() throws IOException {
        Evaluation.Report r = Evaluation.run(new TruthModel(data), data, new Evaluation.Settings(1, 0, 2), EvalProgress.NONE);
        String table = ReportFormat.table(r);
        assertTrue(table.startsWith("task") && table.contains("model - baseline") && table.contains("wall time: tokenizer"), table);
        String md = ReportFormat.markdown(r);
        assertEquals(r.rows().size() + 2, md.lines().filter(l -> l.startsWith("|")).count(), md);
        JsonNode json = new ObjectMapper().readTree(ReportFormat.json(r, Map.of("seed", 0)));
        assertEquals(r.rows().size(), json.get("rows").size());
        assertNotNull(json.get("seconds").get("determinism"));
        assertTrue(json.get("rows").get(0).has("baseline_is"));
    }

    @Test
    void gridBaselineKeepsSizeAndFlatImages() {
        byte[] px = new byte[64 * 64 * 3];
        Arrays.fill(px, (byte) 200);
        RgbImage flat = new RgbImage(64, 64, px);
        RgbImage b = TokenizerEval.gridBaseline(flat, 8, 8);
        assertEquals(64, b.width());
        assertTrue(Arrays.equals(px, b.rgb()));
        RgbImage emoji = data.image(data.select(EvalData.EMOJI, ai.emu4j.data.Split.TRAIN).getFirst());
        assertFalse(Arrays.equals(emoji.rgb(), TokenizerEval.gridBaseline(emoji, 8, 8).rgb()), "an 8x8 grid loses the disc's edge");
    }

    @Test
    void namingHelpers() {
        assertEquals("grinning face", EmojiNamingEval.firstClause(" Grinning face, a noto emoji"));
        assertEquals("no comma", EmojiNamingEval.firstClause("no comma "));
        assertEquals(1, EmojiNamingEval.rankOfFirst(new double[] {-1, -1, -2}, true), "ties count for the right answer");
        assertEquals(3, EmojiNamingEval.rankOfFirst(new double[] {-1, 0, -0.5}, true));
        assertEquals(2, EmojiNamingEval.rankOfFirst(new double[] {3, 1, 5}, false));
        List<String> set = EmojiNamingEval.candidateSet(List.of("a", "b", "c", "d"), "c", 3, new java.util.Random(0));
        assertEquals(3, set.size());
        assertEquals("c", set.getFirst());
        assertEquals(3, set.stream().distinct().count());
    }

    private static RgbImage white() {
        byte[] px = new byte[64 * 64 * 3];
        Arrays.fill(px, (byte) 255);
        return new RgbImage(64, 64, px);
    }
}
