package ai.emu4j.eval;

import ai.emu4j.data.ManifestEntry;
import ai.emu4j.data.Split;
import ai.emu4j.models.vq.RgbImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Image to text on held-out emoji pictures (test split: a style of the emoji the model saw only in the
 * other style). Captions begin "NAME, a STYLE emoji (...)", so:
 * <ul>
 * <li>top-1: the caption (greedy, or beam search as the model decodes; see {@link EvalModel#captionDecoding}) up to its first comma equals the emoji's name (case and outer spaces
 *     ignored); baseline: the name of the pixel-nearest training picture ({@link PixelNeighbours});</li>
 * <li>top-5: candidate names ranked by the model's log-likelihood of the answer " NAME," given the
 *     picture, the right name in the first five (ties against it); baseline: the same candidates ranked by
 *     their pixel-nearest training picture. Candidates are every emoji name, or with a positive
 *     {@code candidates} the right one plus that many minus one others drawn at random per item, which
 *     keeps the cost linear in it (full ranking is one forward per name per picture).</li>
 * </ul>
 */
public final class EmojiNamingEval {
    public static final String TASK = "image->text emoji";
    /** Longest greedy answer read: emoji names run to about 12 words. */
    static final int MAX_TOKENS = 32;

    private EmojiNamingEval() {}

    public static List<Row> run(EvalModel model, EvalData data, List<ManifestEntry> items, int candidates, long seed, EvalProgress.Ticker tick) {
        List<String> names = data.select(EvalData.EMOJI, Split.TRAIN, Split.VAL, Split.TEST).stream().map(EmojiNamingEval::name).distinct().sorted().toList();
        PixelNeighbours nn = new PixelNeighbours();
        for (ManifestEntry e : data.select(EvalData.EMOJI, Split.TRAIN)) nn.add(data.image(e), name(e));
        int k = candidates <= 0 ? names.size() : Math.min(candidates, names.size());
        Mean top1 = new Mean(), top5 = new Mean(), base1 = new Mean(), base5 = new Mean();
        Random rng = new Random(seed);
        for (ManifestEntry e : items) {
            RgbImage picture = data.image(e);
            String right = name(e);
            top1.add(firstClause(model.caption(picture, MAX_TOKENS)).equalsIgnoreCase(right));
            base1.add(nn.nearest(picture).equals(right));
            List<String> set = candidateSet(names, right, k, rng);
            List<String> answers = set.stream().map(n -> n + ",").toList();
            top5.add(rankOfFirst(model.answerLogLikelihoods(picture, answers), true) <= 5);
            base5.add(rankOfFirst(nn.distances(picture, set), false) <= 5);
            tick.step();
        }
        String among = k == names.size() ? "all " + k + " names" : k + " candidates";
        return List.of(Row.rate(TASK, "names the emoji, top-1 (" + model.captionDecoding() + ")", top1, base1, "pixel nearest neighbour"),
                Row.rate(TASK, "names the emoji, top-5 of " + among + " (likelihood)", top5, base5, "pixel NN, same candidates"));
    }

    /** The right name first, then k - 1 others: all of them in name order, or a random draw. */
    static List<String> candidateSet(List<String> names, String right, int k, Random rng) {
        List<String> others = new ArrayList<>(names);
        others.remove(right);
        if (k - 1 < others.size()) {
            java.util.Collections.shuffle(others, rng);
            others = others.subList(0, k - 1);
        }
        List<String> set = new ArrayList<>(k);
        set.add(right);
        set.addAll(others);
        return set;
    }

    /** 1 + how many scores beat the first one's: higher is better for likelihoods, lower for distances. */
    static int rankOfFirst(double[] scores, boolean higherIsBetter) {
        int rank = 1;
        for (int i = 1; i < scores.length; i++) if (higherIsBetter ? scores[i] > scores[0] : scores[i] < scores[0]) rank++;
        return rank;
    }

    static String firstClause(String caption) {
        int comma = caption.indexOf(',');
        return (comma < 0 ? caption : caption.substring(0, comma)).strip().toLowerCase(Locale.ROOT);
    }

    static String name(ManifestEntry e) {
        return String.valueOf(e.attributes().get("name"));
    }
}
