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
import java.util.List;
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
    private final List<int[]> names;

    private NameLoss(List<Manifest.Entry> pictures, List<int[]> names) {
        this.pictures = pictures;
        this.names = names;
    }

    /** The training pictures (not clips) that have attribute {@code field}, each with its name's token ids. */
    static NameLoss of(List<Manifest.Entry> train, String field, TextTokenizer tokenizer) {
        List<Manifest.Entry> pictures = new ArrayList<>();
        List<int[]> names = new ArrayList<>();
        for (Manifest.Entry e : train) {
            String name = e.attributes().get(field);
            if (name == null || name.isBlank() || e.video()) continue;
            pictures.add(e);
            names.add(tokenizer.encode(" " + name));   // as an answer is encoded: Sample.visualToText
        }
        if (pictures.isEmpty()) throw new IllegalArgumentException("--summary-names " + field + ": no training picture has that attribute");
        return new NameLoss(List.copyOf(pictures), List.copyOf(names));
    }

    int pictureCount() {
        return pictures.size();
    }

    /** Draws batch pictures with replacement from rng, reads each one's codes through {@code visual} (which may pick a view), and returns the loss. */
    Tensor loss(LlamaModel model, VisionTokens tokens, int batch, Function<Manifest.Entry, EncodedVisual> visual, Rng rng) {
        List<SummarySite> sites = new ArrayList<>(batch);
        List<int[]> wanted = new ArrayList<>(batch);
        for (int i = 0; i < batch; i++) {
            int k = rng.nextInt(pictures.size());
            EncodedVisual v = visual.apply(pictures.get(k));
            sites.add(new SummarySite(0, 0, tokens.visualIds(v.codes()), v.grid().height(), v.grid().width()));
            wanted.add(names.get(k));
        }
        return loss(model.readOut(model.summaries(sites)), wanted);                         // (batch, vocab) logits
    }

    /** Mean cross-entropy of logits row i (N, vocab) against every token of names[i]. */
    static Tensor loss(Tensor logits, List<int[]> names) {
        int total = 0;
        for (int[] n : names) total = Math.addExact(total, n.length);
        int[] rows = new int[total], targets = new int[total];
        int at = 0;
        for (int i = 0; i < names.size(); i++) {
            for (int id : names.get(i)) {
                rows[at] = i;
                targets[at++] = id;
            }
        }
        Tensor repeated = Indexing.embedding(logits, Tensor.ofInts(rows, total));            // (tokens, vocab)
        return Losses.crossEntropy(repeated, Tensor.ofInts(targets, total), null, -1);
    }
}
