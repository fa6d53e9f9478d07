package ai.emu4j.train.lm;

import ai.emu4j.core.ops.Indexing;
import ai.emu4j.core.ops.Losses;
import ai.emu4j.core.ops.Unary;
import ai.emu4j.core.tensor.Tensor;
import ai.emu4j.core.util.Rng;
import ai.emu4j.models.emu3.Emu3Processor;
import ai.emu4j.models.emu3.EncodedVisual;
import ai.emu4j.models.emu3.VisionTokens;
import ai.emu4j.models.llama.LlamaModel;
import ai.emu4j.models.llama.SummarySite;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A CLIP-style contrastive loss that pulls two renderings of the same thing together where the captioner
 * reads them: the final hidden state at the last token of the captioning prompt (the state that predicts
 * the answer's first token). Training pictures that share the value of a manifest attribute form a group
 * (emoji: the same "name" drawn as Noto and as Twemoji); a step draws {@code batch} groups and two
 * different members of each, and the loss is the symmetric cross-entropy of the (batch, batch) cosine
 * similarities over a fixed temperature against the diagonal.
 * <p>
 * Why: naming an emoji shown in a style the model never saw it in is one-shot recognition (the name was
 * learnt from one picture in the other style). A caption head alone fits each name to that picture's
 * style; the pairs teach what the two styles of the same thing share, from every emoji that has both.
 * This is not next-token prediction (Emu3 trains with that alone); it is off unless asked for.
 * Cost per step: one forward and backward over 2 x batch prompts.
 */
final class PairLoss {
    /** CLIP learns its temperature and settles near 0.01; a fixed 0.1 trains stably at small batches. */
    static final float TEMPERATURE = 0.1f;

    private final List<List<Manifest.Entry>> groups;

    private PairLoss(List<List<Manifest.Entry>> groups) {
        this.groups = groups;
    }

    /** Groups of the training pictures (not clips) sharing attribute {@code field}; groups of one are dropped. */
    static PairLoss of(List<Manifest.Entry> train, String field, int batch) {
        Map<String, List<Manifest.Entry>> by = new LinkedHashMap<>();
        for (Manifest.Entry e : train) {
            String key = e.attributes().get(field);
            if (key != null && !e.video()) by.computeIfAbsent(key, k -> new ArrayList<>()).add(e);
        }
        List<List<Manifest.Entry>> groups = by.values().stream().filter(g -> g.size() >= 2).map(List::copyOf).toList();
        if (groups.size() < Math.max(2, batch)) {
            throw new IllegalArgumentException("--pair-by " + field + ": " + groups.size() + " groups of two or more training pictures share a value of that attribute; "
                    + "need at least " + Math.max(2, batch) + " (the pair batch)");
        }
        return new PairLoss(groups);
    }

    int groupCount() {
        return groups.size();
    }

    /**
     * Draws batch distinct groups and two distinct members of each from rng, reads each member's codes
     * through {@code visual} (which may pick a view), and returns the loss of their captioning prompts.
     */
    Tensor loss(LlamaModel model, Emu3Processor p, String question, int batch, int pad, Function<Manifest.Entry, EncodedVisual> visual,
                float dropout, Rng rng) {
        EncodedVisual[] pictures = draw(batch, visual, rng);
        int[][] prompts = new int[2 * batch][];
        for (int i = 0; i < prompts.length; i++) prompts[i] = p.understandingPrompt(pictures[i].block(p), question);
        Tensor states = lastStates(model, prompts, pad, dropout, rng);                       // (2 * batch, dim)
        return contrastive(states.slice(0, 0, batch), states.slice(0, batch, 2 * batch), TEMPERATURE);
    }

    /**
     * The same draw, the loss on the pictures' visual summaries ({@code --pair-on summary}): no pass
     * through the decoder, so it costs 2 x batch runs of the summary stem and nothing else.
     */
    Tensor summaryLoss(LlamaModel model, VisionTokens tokens, int batch, Function<Manifest.Entry, EncodedVisual> visual, Rng rng) {
        EncodedVisual[] pictures = draw(batch, visual, rng);
        List<SummarySite> sites = new ArrayList<>(pictures.length);
        for (EncodedVisual v : pictures) {
            int[] ids = tokens.visualIds(v.codes());
            sites.add(new SummarySite(0, 0, ids, v.grid().height(), v.grid().width()));
        }
        Tensor s = model.summaries(sites);                                                   // (2 * batch, dim)
        return contrastive(s.slice(0, 0, batch), s.slice(0, batch, 2 * batch), TEMPERATURE);
    }

    /** batch distinct groups and two distinct members of each: first members in [0, batch), second in [batch, 2 batch). */
    private EncodedVisual[] draw(int batch, Function<Manifest.Entry, EncodedVisual> visual, Rng rng) {
        List<Integer> chosen = new ArrayList<>(batch);
        while (chosen.size() < batch) {
            int g = rng.nextInt(groups.size());
            if (!chosen.contains(g)) chosen.add(g);
        }
        EncodedVisual[] out = new EncodedVisual[2 * batch];
        for (int i = 0; i < batch; i++) {
            List<Manifest.Entry> g = groups.get(chosen.get(i));
            int a = rng.nextInt(g.size()), b = rng.nextInt(g.size() - 1);
            if (b >= a) b++;
            out[i] = visual.apply(g.get(a));
            out[batch + i] = visual.apply(g.get(b));
        }
        return out;
    }

    /** The final hidden state at each prompt's last token; prompts are right-padded, which causal attention never reads back. */
    private static Tensor lastStates(LlamaModel model, int[][] prompts, int pad, float dropout, Rng rng) {
        int longest = 0;
        for (int[] q : prompts) longest = Math.max(longest, q.length);
        int[] ids = new int[prompts.length * longest];
        java.util.Arrays.fill(ids, pad);
        for (int r = 0; r < prompts.length; r++) System.arraycopy(prompts[r], 0, ids, r * longest, prompts[r].length);
        Tensor hidden = model.forward(Tensor.ofInts(ids, prompts.length, longest), 0, null, dropout, rng); // (2 * batch, T, dim)
        Tensor[] last = new Tensor[prompts.length];
        for (int r = 0; r < prompts.length; r++) last[r] = hidden.select(0, r).select(0, prompts[r].length - 1); // (dim)
        return Indexing.stack(last, 0);
    }

    /**
     * Symmetric InfoNCE of row-paired embeddings a, b (N, D): rows are L2-normalised, logits = a b^T / t,
     * and the loss is the mean of the row-wise and column-wise cross-entropies against the diagonal.
     */
    static Tensor contrastive(Tensor a, Tensor b, float temperature) {
        int n = a.size(0);
        Tensor an = normalise(a), bn = normalise(b);                                        // (N, D)
        Tensor logits = an.matmul(bn.transpose(0, 1).contiguous()).mul(1f / temperature);  // (N, N)
        int[] diag = new int[n];
        for (int i = 0; i < n; i++) diag[i] = i;
        Tensor targets = Tensor.ofInts(diag, n);
        Tensor rows = Losses.crossEntropy(logits, targets, null, -1);
        Tensor cols = Losses.crossEntropy(logits.transpose(0, 1).contiguous(), targets, null, -1);
        return rows.add(cols).mul(0.5f);
    }

    private static Tensor normalise(Tensor x) {
        Tensor norm2 = x.mul(x).sum(1, true).add(1e-12f);                                   // (N, 1)
        return x.mul(Unary.rsqrt(norm2));
    }
}
