import ai.emu4j.core.autograd.GradMode;
import ai.emu4j.core.ops.Reduce;
import ai.emu4j.core.ops.Unary;
import ai.emu4j.core.tensor.Tensor;
import ai.emu4j.data.ManifestEntry;
import ai.emu4j.data.Split;
import ai.emu4j.eval.EvalData;
import ai.emu4j.models.emu3.Emu3Bundle;
import ai.emu4j.models.llama.SummarySite;
import ai.emu4j.models.vq.RgbImage;
import java.nio.file.Path;
import java.util.*;

/**
 * Does a visual-summary model read its summaries? A diagnostic (not part of the product): on 12 training
 * emoji pictures of DATA it scores each picture's caption in the collapsed layout (header, eof, eoi; the
 * codes reach the model only through the summary at the eoi, as {@code train lm --collapse-hidden} trains)
 * once with the picture's own summary and once with another picture's, and prints the first tokens the
 * model would write. Equal likelihoods mean the summary is ignored (session 11: lm19 at step 200, 8.99
 * against 9.00 nats; with the stem sized to the embeddings, 7.74 against 9.62). It also prints the mean
 * summary norm against the mean embedding row norm.
 * <p>
 * Build first (README), then:
 * {@code java --add-modules jdk.incubator.vector -cp "emu4j-cli/target/emu4j-cli-0.1.0-SNAPSHOT.jar:emu4j-cli/target/lib/*" tools/demo/SummaryReadProbe.java MODEL DATA}
 */
public class SummaryReadProbe {
    static final String QUESTION = "Describe the image";
    static final int PICTURES = 12;

    public static void main(String[] args) throws Exception {
        if (args.length != 2) throw new IllegalArgumentException("usage: SummaryReadProbe MODEL DATA");
        try (Emu3Bundle b = Emu3Bundle.load(Path.of(args[0]))) {
            if (!b.model().config().visualSummary()) throw new IllegalArgumentException(args[0] + " has no visual summary stem");
            EvalData d = EvalData.read(Path.of(args[1]));
            List<ManifestEntry> train = d.select(EvalData.EMOJI, Split.TRAIN);
            int stride = 17;   // the pictures behind the figures quoted above
            if (train.size() < (PICTURES - 1) * stride + 6) throw new IllegalArgumentException(args[1] + ": too few training emoji pictures");
            double own = 0, other = 0;
            for (int i = 0; i < PICTURES; i++) {
                ManifestEntry e = train.get(i * stride), swap = train.get(i * stride + 5);
                RgbImage picture = d.image(e);
                String caption = " " + e.caption();
                double withOwn = captionNll(b, picture, picture, caption), withOther = captionNll(b, picture, d.image(swap), caption);
                own += withOwn;
                other += withOther;
                System.out.printf(Locale.ROOT, "%-30s own summary %.2f nats, another picture's %.2f; likeliest first tokens %s%n",
                        e.attributes().get("name"), withOwn, withOther, firstTokens(b, picture));
            }
            System.out.printf(Locale.ROOT, "mean caption NLL: own summary %.3f, another picture's %.3f%n", own / PICTURES, other / PICTURES);
            List<SummarySite> sites = new ArrayList<>();
            for (int i = 0; i < train.size(); i += Math.max(1, train.size() / 200)) sites.add(site(b, d.image(train.get(i)), 0));
            try (var ng = GradMode.noGrad()) {
                System.out.printf(Locale.ROOT, "mean summary norm over %d training pictures %.3f, mean embedding row norm %.3f%n", sites.size(),
                        meanRowNorm(b.model().summaries(sites)), meanRowNorm(b.model().weights().embedTokens()));
            }
        }
    }

    static double meanRowNorm(Tensor rows) {
        return Reduce.mean(Unary.sqrt(Reduce.sum(rows.mul(rows), 1, false))).item();      // rows (n, dim)
    }

    /** The collapsed captioning prompt: the chat template around header, eof, eoi. */
    static int[] collapsedPrompt(Emu3Bundle b, RgbImage picture) {
        int[] header = b.processor().imageHeader(1, b.encodeImage(picture).grid(), false);
        int[] block = Arrays.copyOf(header, header.length + 2);
        block[header.length] = b.tokens().eof();
        block[header.length + 1] = b.tokens().eoi();
        return b.processor().understandingPrompt(block, QUESTION);
    }

    static int eoi(Emu3Bundle b, int[] prompt) {
        for (int i = prompt.length - 1; i >= 0; i--) if (prompt[i] == b.tokens().eoi()) return i;
        throw new IllegalStateException("no eoi in the prompt");
    }

    /** The picture's codes as visual token ids, summarised at position pos of row 0. */
    static SummarySite site(Emu3Bundle b, RgbImage picture, int pos) {
        var v = b.encodeImage(picture);
        int[] ids = b.tokens().visualIds(v.codes());
        return new SummarySite(0, pos, ids, v.grid().height(), v.grid().width());
    }

    /** Negative log-likelihood (nats) of caption after the collapsed prompt of picture, with summaryOf's summary at the eoi. */
    static double captionNll(Emu3Bundle b, RgbImage picture, RgbImage summaryOf, String caption) {
        int[] prompt = collapsedPrompt(b, picture), answer = b.tokenizer().encode(caption);
        int[] all = Arrays.copyOf(prompt, prompt.length + answer.length);
        System.arraycopy(answer, 0, all, prompt.length, answer.length);
        try (var ng = GradMode.noGrad()) {
            Tensor h = b.model().forward(Tensor.ofInts(all, 1, all.length), List.of(site(b, summaryOf, eoi(b, prompt))), 0, null, 0f, null);
            float[] logits = b.model().logits(h).toFloatArray();                                    // (1, T, vocab)
            int vocab = logits.length / all.length;
            double nll = 0;
            for (int i = prompt.length - 1; i < all.length - 1; i++) {
                double max = Double.NEGATIVE_INFINITY, z = 0;
                for (int v = 0; v < vocab; v++) max = Math.max(max, logits[i * vocab + v]);
                for (int v = 0; v < vocab; v++) z += Math.exp(logits[i * vocab + v] - max);
                nll -= logits[i * vocab + all[i + 1]] - max - Math.log(z);
            }
            return nll;
        }
    }

    static String firstTokens(Emu3Bundle b, RgbImage picture) {
        int[] prompt = collapsedPrompt(b, picture);
        try (var ng = GradMode.noGrad()) {
            Tensor h = b.model().forward(Tensor.ofInts(prompt, 1, prompt.length), List.of(site(b, picture, eoi(b, prompt))), 0, null, 0f, null);
            float[] logits = b.model().logits(h).toFloatArray();
            int vocab = logits.length / prompt.length, last = (prompt.length - 1) * vocab;
            Integer[] order = new Integer[vocab];
            for (int i = 0; i < vocab; i++) order[i] = i;
            Arrays.sort(order, (x, y) -> Float.compare(logits[last + y], logits[last + x]));
            StringBuilder out = new StringBuilder();
            for (int i = 0; i < 4; i++) out.append('[').append(b.tokenizer().decode(new int[] {order[i]})).append(']');
            return out.toString();
        }
    }
}
