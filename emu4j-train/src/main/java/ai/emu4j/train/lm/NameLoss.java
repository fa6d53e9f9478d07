package ai.emu4j.train.lm;

import ai.emu4j.core.ops.Indexing;
import ai.emu4j.core.ops.Losses;
import ai.emu4j.core.tensor.Tensor;
import ai.emu4j.core.util.Rng;
import ai.emu4j.models.emu3.EncodedVisual;
import ai.emu4j.models.emu3.VisionTokens;
import ai.emu4j.models.llama.LlamaModel;
import ai.emu4j.models.llama.SummarySite;
import ai.emu4j.models.tokenizer.TextTokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Asks a picture's visual summary, read by the model's own output head ({@link LlamaModel#readOut}), for
 * the tokens of its name ({@code --summary-names ATTR}): the cross-entropy of those logits against each of
 * the tokens of " " + the manifest attribute ATTR, averaged over all tokens of the drawn pictures (a bag of
 * words: order is the language model's to supply).
 * <p>
 * Why: with 1,911 emoji names the language model learnt the read-out from summary to name far too slowly
 * (session 12: 40 of 100 training pictures named after ~1,200 steps, held-out 13 of 195 while the
 * summary's nearest training picture had the right name for 40). This loss makes the summary itself say
 * the name in the head's space, so answering is copying it forward, which attention learns quickly; and it
 * trains every training picture's summary, including the one-style emoji the held-out pairs ask about,
 * which the pair loss leaves out. Not next-token prediction (Emu3 has no such term); off unless asked for.
 * Cost per step: {@code batch} runs of the summary stem and one (batch, vocab) head product.
 */
final class NameLoss {
    private final List<Manifest.Entry> pictures;
    private final int[] nameOf;              // picture -> index into names and weights
    private final List<int[]> names;         // distinct names' token ids
    private final List<float[]> weights;     // per distinct name, its tokens' weights

    private NameLoss(List<Manifest.Entry> pictures, int[] nameOf, List<int[]> names, List<float[]> weights) {
        this.pictures = pictures;
        this.nameOf = nameOf;
        this.names = names;
        this.weights = weights;
    }

    /**
     * The training pictures (not clips) that have attribute {@code field}, each with its name's token ids;
     * with {@code rare}, each token weighted by how rare it is among the names ({@link #rarity}).
     */
    static NameLoss of(List<Manifest.Entry> train, String field, TextTokenizer tokenizer, boolean rare) {
        List<Manifest.Entry> pictures = new ArrayList<>();
        List<Integer> nameOf = new ArrayList<>();
        Map<String, Integer> index = new LinkedHashMap<>();
        List<int[]> names = new ArrayList<>();
        for (Manifest.Entry e : train) {
            String name = e.attributes().get(field);
            if (name == null || name.isBlank() || e.video()) continue;
            pictures.add(e);
            nameOf.add(index.computeIfAbsent(name, n -> {
                names.add(tokenizer.encode(" " + n));   // as an answer is encoded: Sample.visualToText
                return names.size() - 1;
            }));
        }
        if (pictures.isEmpty()) throw new IllegalArgumentException("--summary-names " + field + ": no training picture has that attribute");
        List<float[]> weights = rare ? rarity(names) : names.stream().map(ids -> ones(ids.length)).toList();
        return new NameLoss(List.copyOf(pictures), nameOf.stream().mapToInt(Integer::intValue).toArray(), List.copyOf(names), weights);
    }

    /**
     * Per name, its tokens' weights ln(names / names containing the token) (inverse document frequency),
     * scaled to a mean of 1 within the name so every picture keeps its share of the loss; a name whose
     * tokens all occur in every name keeps weights 1. Why: in a bag of common tokens ("face", "with",
     * "smiling") the few that tell one emoji from its neighbours are drowned out.
     */
    static List<float[]> rarity(List<int[]> names) {
        Map<Integer, Integer> df = new HashMap<>();
        for (int[] ids : names) for (int id : Arrays.stream(ids).distinct().toArray()) df.merge(id, 1, Integer::sum);
        List<float[]> out = new ArrayList<>(names.size());
        for (int[] ids : names) {
            float[] w = new float[ids.length];
            double sum = 0;
            for (int k = 0; k < ids.length; k++) sum += w[k] = (float) Math.log((double) names.size() / df.get(ids[k]));
            if (!(sum > 0)) {
                out.add(ones(ids.length));
                continue;
            }
            for (int k = 0; k < ids.length; k++) w[k] = (float) (w[k] * ids.length / sum);
            out.add(w);
        }
        return out;
    }

    private static float[] ones(int n) {
        float[] w = new float[n];
        Arrays.fill(w, 1f);
        return w;
    }

    int pictureCount() {
        return pictures.size();
    }

    /** Draws batch pictures with replacement from rng, reads each one's codes through {@code visual} (which may pick a view), and returns the loss. */
    Tensor loss(LlamaModel model, VisionTokens tokens, int batch, Function<Manifest.Entry, EncodedVisual> visual, Rng rng) {
        List<SummarySite> sites = new ArrayList<>(batch);
        List<int[]> wanted = new ArrayList<>(batch);
        List<float[]> scale = new ArrayList<>(batch);
        for (int i = 0; i < batch; i++) {
            int k = rng.nextInt(pictures.size());
            EncodedVisual v = visual.apply(pictures.get(k));
            sites.add(new SummarySite(0, 0, tokens.visualIds(v.codes()), v.grid().height(), v.grid().width()));
            wanted.add(names.get(nameOf[k]));
            scale.add(weights.get(nameOf[k]));
        }
        return loss(model.readOut(model.summaries(sites)), wanted, scale);                  // (batch, vocab) logits
    }

    /** Mean cross-entropy of logits row i (N, vocab) against every token of names[i]. */
    static Tensor loss(Tensor logits, List<int[]> names) {
        return loss(logits, names, names.stream().map(ids -> ones(ids.length)).toList());
    }

    /** As {@link #loss(Tensor, List)}, token k of names[i] weighted by weights[i][k]; the sum is still divided by the token count. */
    static Tensor loss(Tensor logits, List<int[]> names, List<float[]> weights) {
        int total = 0;
        for (int[] n : names) total = Math.addExact(total, n.length);
        int[] rows = new int[total], targets = new int[total];
        float[] w = new float[total];
        int at = 0;
        for (int i = 0; i < names.size(); i++) {
            for (int k = 0; k < names.get(i).length; k++) {
                rows[at] = i;
                w[at] = weights.get(i)[k];
                targets[at++] = names.get(i)[k];
            }
        }
        Tensor repeated = Indexing.embedding(logits, Tensor.ofInts(rows, total));            // (tokens, vocab)
        return Losses.crossEntropy(repeated, Tensor.ofInts(targets, total), Tensor.of(w, total), -1);
    }
}
