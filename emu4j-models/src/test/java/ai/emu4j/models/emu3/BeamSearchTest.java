package ai.emu4j.models.emu3;

import ai.emu4j.core.autograd.GradMode;
import ai.emu4j.core.ops.Softmax;
import ai.emu4j.core.tensor.Tensor;
import ai.emu4j.core.util.Rng;
import ai.emu4j.models.llama.LlamaConfig;
import ai.emu4j.models.llama.LlamaModel;
import ai.emu4j.models.llama.LlamaWeights;
import ai.emu4j.models.sampling.Sampler;
import ai.emu4j.models.tokenizer.TextTokenizer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BeamSearchTest {
    private static final int EOS = 0, VOCAB = 4;

    private static float[] logSoftmax(float[] scores) {
        try (var ng = GradMode.noGrad()) {
            return Softmax.logSoftmax(Tensor.of(scores, scores.length), -1).toFloatArray();
        }
    }

    /** A fixed toy "model": log-probabilities over 4 tokens (0 = eos) that depend on the whole prefix. */
    private static float[] toy(int[] prefix) {
        Rng rng = new Rng(Arrays.hashCode(prefix) * 31L + 7);
        float[] z = new float[VOCAB];
        for (int i = 0; i < VOCAB; i++) z[i] = 2 * rng.nextGaussian();
        return logSoftmax(z);
    }

    /**
     * Drives Beams as Understanding drives it over a transformer, but with every hypothesis scored from
     * scratch by {@code logProbs} (the whole answer so far -> next-token log-probabilities).
     */
    private static int[] search(int width, float penalty, int maxNew, int eos, Function<int[], float[]> logProbs) {
        Beams beams = new Beams(width, penalty);
        int[][] prefixes = {new int[0]};
        float[][] scores = {logProbs.apply(prefixes[0])};
        for (int step = 0; step < maxNew; step++) {
            int[] next = beams.advance(scores, eos, step + 1 == maxNew);
            if (next == null) break;
            int[][] grown = new int[width][];
            scores = new float[width][];
            for (int i = 0; i < width; i++) {
                grown[i] = Arrays.copyOf(prefixes[beams.parents()[i]], step + 1);
                grown[i][step] = next[i];
                scores[i] = logProbs.apply(grown[i]);
            }
            prefixes = grown;
        }
        return beams.best();
    }

    private record Scored(int[] tokens, double score) {}

    /** Every answer of at most maxNew tokens (ended by eos, or cut at the limit), scored as beam search scores it. */
    private static Scored bruteForce(float penalty, int maxNew) {
        Scored[] best = {null};
        walk(new int[0], 0, penalty, maxNew, best);
        return best[0];
    }

    private static void walk(int[] prefix, double sum, float penalty, int maxNew, Scored[] best) {
        if (prefix.length == maxNew) {
            offer(prefix, sum / Math.pow(maxNew, penalty), best);
            return;
        }
        float[] lp = toy(prefix);
        offer(prefix, (sum + lp[EOS]) / Math.pow(prefix.length + 1, penalty), best);
        for (int t = 1; t < VOCAB; t++) {
            int[] next = Arrays.copyOf(prefix, prefix.length + 1);
            next[prefix.length] = t;
            walk(next, sum + lp[t], penalty, maxNew, best);
        }
    }

    private static void offer(int[] tokens, double score, Scored[] best) {
        if (best[0] == null || score > best[0].score()) best[0] = new Scored(tokens, score);
    }

    @Test
    void aBeamWiderThanTheTreeFindsTheBestAnswerForEveryLengthPenalty() {
        for (float penalty : new float[] {0f, 1f, 2f}) {
            for (int maxNew = 1; maxNew <= 3; maxNew++) {
                Scored want = bruteForce(penalty, maxNew);
                assertArrayEquals(want.tokens(), search(Decoding.MAX_BEAMS, penalty, maxNew, EOS, BeamSearchTest::toy), "penalty " + penalty + ", " + maxNew + " tokens");
            }
        }
    }

    @Test
    void oneBeamIsGreedy() {
        for (int maxNew = 1; maxNew <= 6; maxNew++) {
            List<Integer> greedy = new ArrayList<>();
            while (greedy.size() < maxNew) {
                float[] lp = toy(greedy.stream().mapToInt(Integer::intValue).toArray());
                int t = Beams.best(lp, 1)[0];
                if (t == EOS) break;
                greedy.add(t);
            }
            assertArrayEquals(greedy.stream().mapToInt(Integer::intValue).toArray(), search(1, 1f, maxNew, EOS, BeamSearchTest::toy), maxNew + " tokens");
        }
    }

    @Test
    void topIndicesAreSortedAndBreakTiesByIndex() {
        assertArrayEquals(new int[] {3, 1, 4}, Beams.best(new float[] {0f, 2f, -1f, 5f, 2f, 1f}, 3));
        assertArrayEquals(new int[] {1, 0}, Beams.best(new float[] {1f, 3f}, 5));
    }

    // ---- on a transformer: the batched, cache-reordering search against one that recomputes every prefix ----

    private static final TextTokenizer TOK;
    private static final VisionTokens TOKENS;
    private static final LlamaModel MODEL;

    static {
        TOK = TinyTokenizers.emu3("a red square moving right, a blue circle");
        TOKENS = VisionTokens.from(TOK);
        LlamaConfig c = LlamaConfig.small(TOK.vocabSize(), 16, 2, 2, 1, 32, 128);
        LlamaWeights w = LlamaWeights.init(c, new Rng(5));
        // A random init's logits are nearly flat and hardly depend on earlier tokens: a larger final norm makes
        // the choices decisive, larger attention outputs make them depend on what the cache holds.
        scale(w.norm(), 40);
        for (LlamaWeights.Layer l : w.layers()) scale(l.oProj(), 4);
        MODEL = new LlamaModel(c, w);
    }

    private static void scale(Tensor t, float by) {
        float[] d = t.dataF32();
        for (int i = 0; i < d.length; i++) d[i] *= by;
    }

    private static final int[] PROMPT = new Emu3Processor(TOK, TOKENS).understandingPrompt(
            new Emu3Processor(TOK, TOKENS).visualBlock(new int[] {1, 2, 3, 4}, 1, new Emu3Processor.GridSize(2, 2), false), "what is it");

    /** log-softmax of the last position's logits with the visual codes masked, recomputed from scratch. */
    private static float[] uncached(int[] answer) {
        int[] seq = Arrays.copyOf(PROMPT, PROMPT.length + answer.length);
        System.arraycopy(answer, 0, seq, PROMPT.length, answer.length);
        try (var ng = GradMode.noGrad()) {
            Tensor h = MODEL.forward(Tensor.ofInts(seq, 1, seq.length), 0, null, 0f, null);
            float[] all = MODEL.logits(h.select(1, seq.length - 1)).toFloatArray();
            Arrays.fill(all, TOKENS.visualBase(), TOKENS.visualBase() + TOKENS.codebookSize(), Float.NEGATIVE_INFINITY);
            return logSoftmax(all);
        }
    }

    private static double logLikelihood(int[] answer, boolean ended) {
        double sum = 0;
        for (int i = 0; i <= answer.length; i++) {
            if (i == answer.length && !ended) break;
            sum += uncached(Arrays.copyOf(answer, i))[i == answer.length ? TOKENS.eos() : answer[i]];
        }
        return sum;
    }

    @Test
    void batchedSearchWithReorderedCachesMatchesRecomputingEveryPrefix() {
        Understanding u = new Understanding(MODEL, TOKENS, TOK);
        for (int width : new int[] {2, 3, 5}) {
            List<Understanding.BeamStep> steps = new ArrayList<>();
            int[] got = u.beamSearch(PROMPT, width, 1f, 12, null, steps::add);
            assertArrayEquals(search(width, 1f, 12, TOKENS.eos(), BeamSearchTest::uncached), got, width + " beams");
            boolean moved = false;
            int[][] before = null;
            for (Understanding.BeamStep s : steps) {
                for (int i = 0; i < s.hypotheses().length; i++) {
                    int[] h = s.hypotheses()[i];
                    float[] want = uncached(h), have = s.logProbs()[i];
                    for (int v = 0; v < want.length; v++) {
                        if (want[v] == Float.NEGATIVE_INFINITY) assertEquals(want[v], have[v]);
                        else assertEquals(want[v], have[v], 2e-3, width + " beams, step " + h.length + ", row " + i + ", token " + v);
                    }
                    // A row whose hypothesis does not extend the one it held: its cache row was replaced.
                    moved |= before != null && i < before.length && !Arrays.equals(Arrays.copyOf(h, h.length - 1), before[i]);
                }
                before = s.hypotheses();
            }
            assertTrue(moved, "the search never moved a hypothesis to another row: the test would not see a stale cache");
            for (int id : got) assertFalse(TOKENS.isVisual(id) || id == TOKENS.eos(), "code or eos in the answer");
        }
    }

    @Test
    void oneBeamEqualsGreedyAndMoreBeamsFindAtLeastAsLikelyAnAnswer() {
        Understanding u = new Understanding(MODEL, TOKENS, TOK);
        int[] greedy = u.answer(PROMPT, new Sampler(0f, 0, 1f, 0), 12, null, null);
        assertArrayEquals(greedy, u.beamSearch(PROMPT, 1, 1f, 12, null));
        // With no length penalty the score is the plain log-likelihood, which a wider beam can only raise.
        int[] wide = u.beamSearch(PROMPT, 4, 0f, 12, null), narrow = u.beamSearch(PROMPT, 1, 0f, 12, null);
        double w = logLikelihood(wide, wide.length < 12), n = logLikelihood(narrow, narrow.length < 12);
        assertTrue(w >= n - 1e-4, "4 beams " + w + " < 1 beam " + n);
    }

    @Test
    void badArgumentsAndCancellation() {
        Understanding u = new Understanding(MODEL, TOKENS, TOK);
        assertThrows(IllegalArgumentException.class, () -> u.beamSearch(PROMPT, 0, 1f, 4, null));
        assertThrows(IllegalArgumentException.class, () -> u.beamSearch(PROMPT, 2, Float.NaN, 4, null));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> u.beamSearch(PROMPT, 2, 1f, 200, null));
        assertTrue(e.getMessage().contains("128"), e.getMessage());
        assertThrows(CancellationException.class, () -> u.beamSearch(PROMPT, 2, 1f, 4, new AtomicBoolean(true)));
        // A long context times many beams is refused before any cache is allocated.
        LlamaConfig longContext = LlamaConfig.small(TOK.vocabSize(), 16, 2, 2, 1, 32, 100_000_000);
        Understanding wide = new Understanding(new LlamaModel(longContext, LlamaWeights.init(longContext, new Rng(5))), TOKENS, TOK);
        IllegalArgumentException big = assertThrows(IllegalArgumentException.class, () -> wide.beamSearch(PROMPT, 64, 1f, 99_000_000, null));
        assertTrue(big.getMessage().contains("MiB of key/value cache"), big.getMessage());
        // Only eos is possible: the hypothesis ends and the search is over at once, with the empty answer.
        Beams only = new Beams(2, 1f);
        assertNull(only.advance(new float[][] {{0f, Float.NEGATIVE_INFINITY}}, 0, false));
        assertArrayEquals(new int[0], only.best());
    }
}
