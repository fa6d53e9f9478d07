import ai.emu4j.core.autograd.GradMode;
import ai.emu4j.core.tensor.Tensor;
import ai.emu4j.data.ManifestEntry;
import ai.emu4j.data.Split;
import ai.emu4j.eval.EvalData;
import ai.emu4j.models.emu3.Emu3Bundle;
import ai.emu4j.models.llama.LlamaModel;
import ai.emu4j.models.llama.SummarySite;
import ai.emu4j.models.vq.RgbImage;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;

/**
 * Is a visual-summary model's naming held back by its picture summary or by its caption read-out? A
 * diagnostic (not part of the product), quicker than NamingProbe: no caption-start states.
 * <p>
 * Build first (README), then:
 * {@code java --add-modules jdk.incubator.vector -cp "emu4j-cli/target/emu4j-cli-0.1.0-SNAPSHOT.jar:emu4j-cli/target/lib/*" tools/demo/ReadoutProbe.java MODEL DATA [N|summary]}
 * <p>
 * On the held-out emoji pictures of DATA (or, with N, the first N training pictures: has the read-out
 * learnt the pictures it was taught?) it prints the right name and the first clause of two greedy captions:
 * codes shown (as {@code emu4j eval} captions) and codes replaced by pad while the summary still reads them
 * (as {@code train lm --summary-only} trains). On the held-out pictures it also counts how often the
 * training picture nearest by visual summary (cosine) has the right name, top-1 and among the five nearest
 * names: the ceiling the stem gives a read-out; and how often the summary itself, read by the output head
 * as {@code train lm --summary-names} trains it, ranks the right name first among all training names.
 * With {@code summary} it prints these summary counts alone (minutes sooner: no captions).
 */
public class ReadoutProbe {
    static final String QUESTION = "Describe the image";
    static final int MAX_TOKENS = 32;

    public static void main(String[] args) throws Exception {
        if (args.length < 2 || args.length > 3) throw new IllegalArgumentException("usage: ReadoutProbe MODEL DATA [N|summary]");
        try (Emu3Bundle b = Emu3Bundle.load(Path.of(args[0]))) {
            if (!b.model().config().visualSummary()) throw new IllegalArgumentException(args[0] + " has no visual summary stem");
            EvalData d = EvalData.read(Path.of(args[1]));
            List<ManifestEntry> train = d.select(EvalData.EMOJI, Split.TRAIN);
            boolean summaryOnly = args.length == 3 && args[2].equals("summary"), taught = args.length == 3 && !summaryOnly;
            List<ManifestEntry> items = taught ? train.subList(0, Math.min(Integer.parseInt(args[2]), train.size())) : d.select(EvalData.EMOJI, Split.TEST);
            int n = 0, shown = 0, hidden = 0, collapsed = 0;
            for (ManifestEntry e : summaryOnly ? List.<ManifestEntry>of() : items) {
                RgbImage picture = d.image(e);
                String right = name(e), withCodes = firstClause(caption(b, picture, false)), withPad = firstClause(caption(b, picture, true));
                String alone = firstClause(collapsedCaption(b, picture));
                n++;
                if (withCodes.equals(right)) shown++;
                if (withPad.equals(right)) hidden++;
                if (alone.equals(right)) collapsed++;
                System.out.printf(Locale.ROOT, "%-40s | %-32s | %-32s | %s%n", right + " (" + e.attributes().get("style") + ")", withCodes, withPad, alone);
            }
            if (!summaryOnly) System.out.printf(Locale.ROOT, "%d %s pictures: greedy caption names %d with codes shown, %d with codes hidden, %d with the codes left out (summary alone)%n",
                    n, taught ? "training" : "held-out", shown, hidden, collapsed);
            if (taught) return;
            List<float[]> pool = new ArrayList<>();
            List<String> names = new ArrayList<>();
            for (ManifestEntry e : train) {
                pool.add(summary(b, d.image(e)));
                names.add(name(e));
            }
            int top1 = 0, top5 = 0;
            for (ManifestEntry e : items) {
                float[] q = summary(b, d.image(e));
                double[] sim = new double[pool.size()];
                Integer[] order = new Integer[pool.size()];
                for (int i = 0; i < sim.length; i++) {
                    sim[i] = dot(q, pool.get(i));
                    order[i] = i;
                }
                Arrays.sort(order, (x, y) -> Double.compare(sim[y], sim[x]));
                LinkedHashSet<String> nearest = new LinkedHashSet<>();
                for (int i = 0; i < order.length && nearest.size() < 5; i++) nearest.add(names.get(order[i]));
                if (names.get(order[0]).equals(name(e))) top1++;
                if (nearest.contains(name(e))) top5++;
            }
            System.out.printf(Locale.ROOT, "nearest training picture by visual summary: right name %d (top-1), among the 5 nearest names %d%n", top1, top5);
            List<String> distinct = new ArrayList<>(new LinkedHashSet<>(names));
            List<int[]> nameIds = new ArrayList<>();
            for (String name : distinct) nameIds.add(b.tokenizer().encode(" " + name));
            int head1 = 0, head5 = 0;
            for (ManifestEntry e : items) {
                float[] logp = headLogProbs(b, d.image(e));
                double[] score = new double[distinct.size()];
                Integer[] order = new Integer[score.length];
                for (int i = 0; i < score.length; i++) {
                    for (int id : nameIds.get(i)) score[i] += logp[id];
                    score[i] /= nameIds.get(i).length;
                    order[i] = i;
                }
                Arrays.sort(order, (x, y) -> Double.compare(score[y], score[x]));
                if (distinct.get(order[0]).equals(name(e))) head1++;
                for (int i = 0; i < 5; i++) if (distinct.get(order[i]).equals(name(e))) head5++;
            }
            System.out.printf(Locale.ROOT, "summary read by the output head, names ranked by mean token log-prob (train --summary-names): right %d (top-1), %d (top-5) of %d names%n",
                    head1, head5, distinct.size());
        }
    }

    static String name(ManifestEntry e) {
        return String.valueOf(e.attributes().get("name"));
    }

    static String firstClause(String caption) {
        int comma = caption.indexOf(',');
        return (comma < 0 ? caption : caption.substring(0, comma)).strip().toLowerCase(Locale.ROOT);
    }

    /** Greedy caption; with hide, the picture's codes are pad in the sequence and reach the model only through the summary. */
    static String caption(Emu3Bundle b, RgbImage picture, boolean hide) {
        LlamaModel m = b.model();
        int[] prompt = b.processor().understandingPrompt(b.encodeImage(picture).block(b.processor()), QUESTION);
        List<SummarySite> sites = m.sites(Tensor.ofInts(prompt, 1, prompt.length));
        if (hide) {
            for (SummarySite s : sites) {
                int first = s.position() - 1 - s.height() * (s.width() + 1);           // the first code, as the trainer finds it
                for (int y = 0; y < s.height(); y++) Arrays.fill(prompt, first + y * (s.width() + 1), first + y * (s.width() + 1) + s.width(), b.tokens().pad());
            }
        }
        List<Integer> answer = new ArrayList<>();
        try (var ng = GradMode.noGrad()) {
            var caches = m.newCaches(1, prompt.length + MAX_TOKENS);
            Tensor h = m.forward(Tensor.ofInts(prompt, 1, prompt.length), sites, 0, caches, 0f, null);   // (1, T, dim)
            for (int k = 0; k < MAX_TOKENS; k++) {
                float[] logits = m.logits(h).toFloatArray();                                            // (1, T, vocab)
                int vocab = logits.length / h.size(1), last = (h.size(1) - 1) * vocab, best = 0;
                for (int v = 1; v < vocab; v++) if (logits[last + v] > logits[last + best]) best = v;
                if (best == b.tokens().eos()) break;
                answer.add(best);
                h = m.forward(Tensor.ofInts(new int[] {best}, 1, 1), List.of(), prompt.length + k, caches, 0f, null);
            }
        }
        return b.tokenizer().decode(answer.stream().mapToInt(Integer::intValue).toArray());
    }

    /**
     * Greedy caption with the picture left out of the sequence but for its header, eof and eoi, the codes
     * reaching the model only through the summary at the eoi (as {@code train lm --collapse-hidden} trains).
     */
    static String collapsedCaption(Emu3Bundle b, RgbImage picture) {
        LlamaModel m = b.model();
        var v = b.encodeImage(picture);
        int[] header = b.processor().imageHeader(1, v.grid(), false);
        int[] block = Arrays.copyOf(header, header.length + 2);
        block[header.length] = b.tokens().eof();
        block[header.length + 1] = b.tokens().eoi();
        int[] prompt = b.processor().understandingPrompt(block, QUESTION);
        int eoi = -1;
        for (int i = 0; i + block.length <= prompt.length && eoi < 0; i++) {
            if (Arrays.equals(prompt, i, i + block.length, block, 0, block.length)) eoi = i + block.length - 1;
        }
        int[] ids = b.tokens().visualIds(v.codes());
        List<SummarySite> sites = List.of(new SummarySite(0, eoi, ids, v.grid().height(), v.grid().width()));
        List<Integer> answer = new ArrayList<>();
        try (var ng = GradMode.noGrad()) {
            var caches = m.newCaches(1, prompt.length + MAX_TOKENS);
            Tensor h = m.forward(Tensor.ofInts(prompt, 1, prompt.length), sites, 0, caches, 0f, null);   // (1, T, dim)
            for (int k = 0; k < MAX_TOKENS; k++) {
                float[] logits = m.logits(h).toFloatArray();
                int vocab = logits.length / h.size(1), last = (h.size(1) - 1) * vocab, best = 0;
                for (int t = 1; t < vocab; t++) if (logits[last + t] > logits[last + best]) best = t;
                if (best == b.tokens().eos()) break;
                answer.add(best);
                h = m.forward(Tensor.ofInts(new int[] {best}, 1, 1), List.of(), prompt.length + k, caches, 0f, null);
            }
        }
        return b.tokenizer().decode(answer.stream().mapToInt(Integer::intValue).toArray());
    }

    /** Log-probabilities (vocab) the output head reads from the picture's summary (LlamaModel.readOut). */
    static float[] headLogProbs(Emu3Bundle b, RgbImage picture) {
        var v = b.encodeImage(picture);
        int[] ids = b.tokens().visualIds(v.codes());
        try (var ng = GradMode.noGrad()) {
            LlamaModel m = b.model();
            Tensor s = m.summaries(List.of(new SummarySite(0, 0, ids, v.grid().height(), v.grid().width())));   // (1, dim)
            return ai.emu4j.core.ops.Softmax.logSoftmax(m.readOut(s), 1).toFloatArray();                      // (1, vocab)
        }
    }

    /** Unit-length visual summary of the picture's codes. */
    static float[] summary(Emu3Bundle b, RgbImage picture) {
        var v = b.encodeImage(picture);
        int[] ids = b.tokens().visualIds(v.codes());
        try (var ng = GradMode.noGrad()) {
            float[] s = b.model().summaries(List.of(new SummarySite(0, 0, ids, v.grid().height(), v.grid().width()))).toFloatArray();
            double norm = Math.sqrt(dot(s, s));
            for (int i = 0; i < s.length; i++) s[i] /= (float) norm;
            return s;
        }
    }

    static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }
}
