package ai.emu4j.eval;

import ai.emu4j.data.ManifestEntry;
import ai.emu4j.data.Split;
import ai.emu4j.data.judge.EmojiIndex;
import ai.emu4j.models.vq.RgbImage;
import java.util.List;
import java.util.Random;

/**
 * Text to image on held-out emoji captions (the test split's (emoji, style) pairs, whose other style
 * was trained on): the {@link EmojiIndex} rank of the expected emoji (either style) among every emoji
 * picture of the dataset, as top-1 and top-5 rates. Baseline: a random training emoji picture ranked the
 * same way; the analytic chance, 5 / number of emoji, is named with it.
 */
public final class EmojiGenerationEval {
    public static final String TASK = "text->image emoji";

    private EmojiGenerationEval() {}

    public static List<Row> run(EvalModel model, EvalData data, EmojiIndex index, List<ManifestEntry> items, long seed, EvalProgress.Ticker tick) {
        List<ManifestEntry> train = data.select(EvalData.EMOJI, Split.TRAIN);
        if (train.isEmpty()) throw new IllegalArgumentException("no emoji training images in " + data.folder() + " for the baseline");
        long emoji = data.select(EvalData.EMOJI, Split.TRAIN, Split.VAL, Split.TEST).stream().map(EmojiGenerationEval::unified).distinct().count();
        Mean top1 = new Mean(), top5 = new Mean(), base1 = new Mean(), base5 = new Mean();
        Random rng = new Random(seed);
        for (int i = 0; i < items.size(); i++) {
            ManifestEntry e = items.get(i);
            RgbImage generated = model.generate(e.caption(), seed + i);
            int rank = index.rank(Pictures.buffered(generated), unified(e));
            top1.add(rank == 1);
            top5.add(rank >= 1 && rank <= 5);
            int baseRank = index.rank(Pictures.buffered(data.image(train.get(rng.nextInt(train.size())))), unified(e));
            base1.add(baseRank == 1);
            base5.add(baseRank >= 1 && baseRank <= 5);
            tick.step();
        }
        String chance = String.format(java.util.Locale.ROOT, "random train image (chance 5/%d = %.3f)", emoji, 5.0 / emoji);
        return List.of(Row.rate(TASK, "identity top-1 (EmojiIndex)", top1, base1, "random train image"),
                Row.rate(TASK, "identity top-5 (EmojiIndex)", top5, base5, chance));
    }

    static String unified(ManifestEntry e) {
        return String.valueOf(e.attributes().get("unified"));
    }
}
