package ai.emu4j.eval;

import ai.emu4j.data.ManifestEntry;
import ai.emu4j.data.Split;
import ai.emu4j.data.judge.ShapesJudge;
import ai.emu4j.data.judge.ShapesScore;
import ai.emu4j.models.vq.RgbImage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Text to image on shapes captions the model was not trained on, judged by {@link ShapesJudge}: per
 * attribute the fraction of captioned objects right (size and position only where the caption states
 * them), count right, and GenEval's all-correct. Held-out colour+shape pairs (never seen in training)
 * are reported apart from the rest (seen pairs in new scenes). Baseline: a random training image of
 * shapes, judged against the same caption: what attribute priors alone score.
 */
public final class ShapesEval {
    public static final String TASK = "text->image shapes";
    static final String BASELINE = "random train image";
    private static final String[] METRICS = {"colour", "shape", "size", "position", "count", "all correct"};

    private ShapesEval() {}

    /** Item i is generated with seed + i; the baseline's training images are drawn with the seed too. */
    public static List<Row> run(EvalModel model, EvalData data, List<ManifestEntry> items, long seed, EvalProgress.Ticker tick) {
        List<ManifestEntry> train = data.select(EvalData.SHAPES, Split.TRAIN);
        if (train.isEmpty()) throw new IllegalArgumentException("no shapes training images in " + data.folder() + " for the baseline");
        Map<String, Mean[]> scores = new LinkedHashMap<>(), base = new LinkedHashMap<>();
        Random rng = new Random(seed);
        for (int i = 0; i < items.size(); i++) {
            ManifestEntry e = items.get(i);
            String group = Boolean.TRUE.equals(e.attributes().get("held_out_pair")) ? "held-out pairs" : "seen pairs";
            RgbImage generated = model.generate(e.caption(), seed + i);
            add(scores.computeIfAbsent(group, g -> means()), ShapesJudge.score(Pictures.buffered(generated), e.caption()));
            RgbImage random = data.image(train.get(rng.nextInt(train.size())));
            add(base.computeIfAbsent(group, g -> means()), ShapesJudge.score(Pictures.buffered(random), e.caption()));
            tick.step();
        }
        List<Row> rows = new ArrayList<>();
        for (String group : List.of("held-out pairs", "seen pairs")) {
            if (!scores.containsKey(group)) continue;
            for (int m = 0; m < METRICS.length; m++) {
                if (scores.get(group)[m].count() > 0) rows.add(Row.rate(TASK, METRICS[m] + ", " + group, scores.get(group)[m], base.get(group)[m], BASELINE));
            }
        }
        return rows;
    }

    private static Mean[] means() {
        Mean[] m = new Mean[METRICS.length];
        for (int i = 0; i < m.length; i++) m[i] = new Mean();
        return m;
    }

    private static void add(Mean[] m, ShapesScore s) {
        m[0].add(s.color());
        m[1].add(s.shape());
        if (s.size() != null) m[2].add(s.size());
        if (s.position() != null) m[3].add(s.position());
        m[4].add(s.count());
        m[5].add(s.correct());
    }
}
