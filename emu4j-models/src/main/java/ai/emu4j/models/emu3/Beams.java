package ai.emu4j.models.emu3;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The bookkeeping of a beam search, apart from the model: which hypotheses live, which have ended, which
 * cache row each new hypothesis continues. Each step every live hypothesis offers its {@code width + 1}
 * likeliest next tokens (one of them may be eos); the {@code width} best non-eos candidates live on, and an
 * eos candidate ranked within the first {@code width} ends its hypothesis. The search is done when
 * {@code width} hypotheses have ended and none alive can beat the worst of them at its current length
 * (Hugging Face's {@code early_stopping=False} test), or at the token limit, where the live ones end too.
 */
final class Beams {
    private record Ended(int[] tokens, double score) {}

    private final int width;
    private final float lengthPenalty;
    private int[][] live = {new int[0]};
    private double[] sums = {0};
    private int[] parents;
    private final List<Ended> ended = new ArrayList<>();

    Beams(int width, float lengthPenalty) {
        this.width = width;
        this.lengthPenalty = lengthPenalty;
    }

    /**
     * Takes the log-probabilities (one row per live hypothesis) and returns the next token of each of
     * {@code width} hypotheses (row i of the caches must then hold what row {@link #parents()}[i] held), or
     * null when the search is over.
     */
    int[] advance(float[][] logProbs, int eos, boolean lastStep) {
        record Candidate(int parent, int token, double sum) {}
        List<Candidate> candidates = new ArrayList<>();
        for (int b = 0; b < live.length; b++) {
            for (int token : best(logProbs[b], width + 1)) {
                if (logProbs[b][token] != Float.NEGATIVE_INFINITY) candidates.add(new Candidate(b, token, sums[b] + logProbs[b][token]));
            }
        }
        candidates.sort(Comparator.comparingDouble(Candidate::sum).reversed());
        List<Candidate> next = new ArrayList<>(width);
        for (int rank = 0; rank < candidates.size() && next.size() < width; rank++) {
            Candidate c = candidates.get(rank);
            if (c.token() != eos) next.add(c);
            else if (rank < width) end(live[c.parent()], c.sum(), live[c.parent()].length + 1);
        }
        int length = live[0].length + 1;
        if (next.isEmpty()) return null;
        int[][] grown = new int[width][];
        double[] grownSums = new double[width];
        parents = new int[width];
        int[] tokens = new int[width];
        for (int i = 0; i < width; i++) {
            // Fewer candidates than beams only when the vocabulary is tiny: the spare rows repeat the best
            // hypothesis with a score that can never win, so every cache row stays well defined.
            Candidate c = next.get(Math.min(i, next.size() - 1));
            grown[i] = Arrays.copyOf(live[c.parent()], length);
            grown[i][length - 1] = c.token();
            grownSums[i] = i < next.size() ? c.sum() : Double.NEGATIVE_INFINITY;
            parents[i] = c.parent();
            tokens[i] = c.token();
        }
        live = grown;
        sums = grownSums;
        if (lastStep) {
            for (int i = 0; i < next.size(); i++) end(live[i], sums[i], length);
            return null;
        }
        if (ended.size() >= width && ended.get(ended.size() - 1).score() >= score(sums[0], length)) return null;
        return tokens;
    }

    /** The live hypotheses' tokens, row by row as the caches hold them. */
    int[][] live() {
        return live;
    }

    /** Which earlier row each of the hypotheses returned by the last {@link #advance} extends. */
    int[] parents() {
        return parents;
    }

    /** The best ended hypothesis's tokens (eos not included). */
    int[] best() {
        if (ended.isEmpty()) throw new IllegalStateException("the search has not ended any hypothesis");
        return ended.get(0).tokens();
    }

    private void end(int[] tokens, double sum, int length) {
        ended.add(new Ended(tokens, score(sum, length)));
        ended.sort(Comparator.comparingDouble(Ended::score).reversed());
        if (ended.size() > width) ended.remove(ended.size() - 1);
    }

    private double score(double sum, int length) {
        return sum / Math.pow(length, lengthPenalty);
    }

    /** Indices of the k largest values, largest first (ties: lower index first). */
    static int[] best(float[] values, int k) {
        int n = Math.min(k, values.length);
        int[] top = new int[n];
        int filled = 0;
        for (int i = 0; i < values.length; i++) {
            if (filled == n && !(values[i] > values[top[n - 1]])) continue;
            int at = filled < n ? filled++ : n - 1;
            while (at > 0 && values[i] > values[top[at - 1]]) {
                top[at] = top[at - 1];
                at--;
            }
            top[at] = i;
        }
        return top;
    }
}
