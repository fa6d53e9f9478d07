import ai.emu4j.core.autograd.GradMode;
import ai.emu4j.core.tensor.Tensor;
import ai.emu4j.data.ManifestEntry;
import ai.emu4j.data.Split;
import ai.emu4j.eval.EvalData;
import ai.emu4j.eval.PixelNeighbours;
import ai.emu4j.models.emu3.Emu3Bundle;
import ai.emu4j.models.emu3.Understanding;
import ai.emu4j.models.llama.SummarySite;
import ai.emu4j.models.sampling.Sampler;
import ai.emu4j.models.vq.RgbImage;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Where a model's emoji naming goes wrong, picture by picture (a diagnostic, not part of the product).
 * <p>
 * Build first (README), then:
 * {@code java --add-modules jdk.incubator.vector -cp "emu4j-cli/target/emu4j-cli-0.1.0-SNAPSHOT.jar:emu4j-cli/target/lib/*" tools/demo/NamingProbe.java MODEL DATA}
 * <p>
 * For each held-out emoji picture of DATA (test split) it prints the right name, the first clause of the
 * model's greedy caption (as {@code emu4j eval} scores it) and the name of the pixel-nearest training
 * picture (the eval's baseline); then the counts, and how often the training picture nearest by the
 * model's own caption-start state (final hidden state at the prompt's last token, cosine) has the right
 * name: whether the model's states tell the styles apart less than its captions show. For a model with a
 * visual summary stem (config visual_summary) also how often the training picture nearest by visual summary
 * (cosine) has the right name: what the stem has learnt, before the caption head uses it.
 */
public class NamingProbe {
    static final String QUESTION = "Describe the image";

    public static void main(String[] args) throws Exception {
        if (args.length != 2) throw new IllegalArgumentException("usage: NamingProbe MODEL DATA");
        try (Emu3Bundle b = Emu3Bundle.load(Path.of(args[0]))) {
            EvalData d = EvalData.read(Path.of(args[1]));
            PixelNeighbours pixels = new PixelNeighbours();
            boolean stem = b.model().config().visualSummary();
            List<float[]> states = new ArrayList<>(), summaries = new ArrayList<>();
            List<String> names = new ArrayList<>();
            for (ManifestEntry e : d.select(EvalData.EMOJI, Split.TRAIN)) {
                pixels.add(d.image(e), name(e));
                states.add(state(b, d.image(e)));
                if (stem) summaries.add(summary(b, d.image(e)));
                names.add(name(e));
            }
            int n = 0, caption = 0, pixel = 0, agree = 0, state = 0, bySummary = 0;
            for (ManifestEntry e : d.select(EvalData.EMOJI, Split.TEST)) {
                RgbImage picture = d.image(e);
                String right = name(e), said = firstClause(caption(b, picture)), near = pixels.nearest(picture);
                int best = nearest(state(b, picture), states);
                if (stem && names.get(nearest(summary(b, picture), summaries)).equals(right)) bySummary++;
                n++;
                if (said.equals(right)) caption++;
                if (near.equals(right)) pixel++;
                if (near.equals(said)) agree++;
                if (names.get(best).equals(right)) state++;
                System.out.printf(Locale.ROOT, "%-40s | %-32s | %s%n", right + " (" + e.attributes().get("style") + ")", said, near);
            }
            System.out.printf(Locale.ROOT, "%d pictures: caption names %d, pixel nearest neighbour %d, both say the same %d; nearest by caption-start state %d%s%n",
                    n, caption, pixel, agree, state, stem ? "; nearest by visual summary " + bySummary : "");
        }
    }

    static String name(ManifestEntry e) {
        return String.valueOf(e.attributes().get("name"));
    }

    static String caption(Emu3Bundle b, RgbImage picture) {
        int[] prompt = prompt(b, picture);
        int[] answer = new Understanding(b.model(), b.tokens(), b.tokenizer()).answer(prompt, new Sampler(0f, 0, 1f, 0), 32, null, null);
        return b.tokenizer().decode(answer).strip();
    }

    static String firstClause(String caption) {
        int comma = caption.indexOf(',');
        return (comma < 0 ? caption : caption.substring(0, comma)).strip().toLowerCase(Locale.ROOT);
    }

    static int[] prompt(Emu3Bundle b, RgbImage picture) {
        return b.processor().understandingPrompt(b.encodeImage(picture).block(b.processor()), QUESTION);
    }

    /** Unit-length final hidden state at the prompt's last token. */
    static float[] state(Emu3Bundle b, RgbImage picture) {
        int[] prompt = prompt(b, picture);
        try (var ng = GradMode.noGrad()) {
            Tensor h = b.model().forward(Tensor.ofInts(prompt, 1, prompt.length), 0, b.model().newCaches(1, prompt.length), 0f, null);
            float[] all = h.toFloatArray();
            int dim = all.length / prompt.length;
            return unit(java.util.Arrays.copyOfRange(all, (prompt.length - 1) * dim, prompt.length * dim));
        }
    }

    /** Unit-length visual summary of the picture's codes. */
    static float[] summary(Emu3Bundle b, RgbImage picture) {
        var v = b.encodeImage(picture);
        int[] ids = b.tokens().visualIds(v.codes());
        try (var ng = GradMode.noGrad()) {
            return unit(b.model().summaries(List.of(new SummarySite(0, 0, ids, v.grid().height(), v.grid().width()))).toFloatArray());
        }
    }

    static int nearest(float[] q, List<float[]> pool) {
        int best = 0;
        for (int i = 1; i < pool.size(); i++) if (dot(q, pool.get(i)) > dot(q, pool.get(best))) best = i;
        return best;
    }

    static float[] unit(float[] v) {
        double norm = Math.sqrt(dot(v, v));
        for (int i = 0; i < v.length; i++) v[i] /= (float) norm;
        return v;
    }

    static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }
}
