package ai.emu4j.eval;

import ai.emu4j.data.ManifestEntry;
import ai.emu4j.data.Split;
import ai.emu4j.data.judge.EmojiIndex;
import ai.emu4j.models.vq.RgbImage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The whole evaluation of issue #5 over a mixed dataset folder, task by task, each on its held-out items
 * (drawn with the seed when there are more than the task's limit) and timed. A task whose source is
 * missing from the folder is skipped and named in {@link Report#skipped}.
 */
public final class Evaluation {
    /** Items per task when no limit is given: about 10 minutes for the demo model on 2 cores. */
    public static final Map<String, Integer> DEFAULT_LIMITS = Map.of(TokenizerEval.TASK, 300, ShapesEval.TASK, 120, EmojiGenerationEval.TASK, 60,
            EmojiNamingEval.TASK, 60, VideoEval.TASK, 24);
    /** Candidate names per picture for the top-5 naming rate by default (0 = all). */
    public static final int DEFAULT_CANDIDATES = 50;

    /** @param limit items per task, or 0 for {@link #DEFAULT_LIMITS} */
    public record Settings(int limit, long seed, int candidates) {}

    public record Report(List<Row> rows, Map<String, Double> seconds, List<String> skipped) {}

    private Evaluation() {}

    public static Report run(EvalModel model, EvalData data, Settings s, EvalProgress progress) throws IOException {
        List<Row> rows = new ArrayList<>();
        Map<String, Double> seconds = new LinkedHashMap<>();
        List<String> skipped = new ArrayList<>();

        List<ManifestEntry> heldOutImages = data.entries().stream().filter(e -> e.split() == Split.TEST && e.kind().equals(ManifestEntry.IMAGE)).toList();
        task(TokenizerEval.TASK, sample(heldOutImages, TokenizerEval.TASK, s), s, progress, rows, seconds, skipped,
                (items, tick) -> TokenizerEval.run(model, items.stream().map(data::image).toList(), tick));
        task(ShapesEval.TASK, sample(data.select(EvalData.SHAPES, Split.TEST, Split.VAL), ShapesEval.TASK, s), s, progress, rows, seconds, skipped,
                (items, tick) -> ShapesEval.run(model, data, items, s.seed(), tick));
        List<ManifestEntry> emojiTest = data.select(EvalData.EMOJI, Split.TEST);
        task(EmojiGenerationEval.TASK, sample(emojiTest, EmojiGenerationEval.TASK, s), s, progress, rows, seconds, skipped, (items, tick) -> {
            EmojiIndex index = EmojiIndex.build(data.folder(), e -> EvalData.source(e).equals(EvalData.EMOJI));
            return EmojiGenerationEval.run(model, data, index, items, s.seed(), tick);
        });
        task(EmojiNamingEval.TASK, sample(emojiTest, EmojiNamingEval.TASK, s), s, progress, rows, seconds, skipped,
                (items, tick) -> EmojiNamingEval.run(model, data, items, s.candidates(), s.seed(), tick));
        task(VideoEval.TASK, sample(data.select(EvalData.SPRITES, Split.TEST), VideoEval.TASK, s), s, progress, rows, seconds, skipped,
                (items, tick) -> VideoEval.run(model, data, items, s.seed(), tick));

        long t0 = System.nanoTime();
        List<ManifestEntry> prompts = data.select(EvalData.SHAPES, Split.TEST, Split.VAL);
        String prompt = prompts.isEmpty() ? "a red circle" : prompts.getFirst().caption();
        RgbImage a = model.generate(prompt, s.seed()), b = model.generate(prompt, s.seed()), c = model.generate(prompt, s.seed() + 1);
        rows.add(Row.check("determinism", "same seed, same image", Arrays.equals(a.rgb(), b.rgb())));
        rows.add(Row.check("determinism", "different seeds differ", !Arrays.equals(a.rgb(), c.rgb())));
        seconds.put("determinism", (System.nanoTime() - t0) / 1e9);
        return new Report(rows, seconds, skipped);
    }

    private interface Task {
        List<Row> run(List<ManifestEntry> items, EvalProgress.Ticker tick) throws IOException;
    }

    private static void task(String name, List<ManifestEntry> items, Settings s, EvalProgress progress, List<Row> rows, Map<String, Double> seconds,
                             List<String> skipped, Task task) throws IOException {
        if (items.isEmpty()) {
            skipped.add(name);
            return;
        }
        long t0 = System.nanoTime();
        try (EvalProgress.Ticker tick = progress.start(name, items.size())) {
            rows.addAll(task.run(items, tick));
        }
        seconds.put(name, (System.nanoTime() - t0) / 1e9);
    }

    private static List<ManifestEntry> sample(List<ManifestEntry> items, String task, Settings s) {
        return EvalData.sample(items, s.limit() > 0 ? s.limit() : DEFAULT_LIMITS.get(task), s.seed());
    }
}
