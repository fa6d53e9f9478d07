import ai.emu4j.data.ManifestEntry;
import ai.emu4j.data.Split;
import ai.emu4j.eval.EvalData;
import ai.emu4j.models.emu3.Emu3Bundle;
import ai.emu4j.models.emu3.Understanding;
import ai.emu4j.models.sampling.Sampler;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * How often captions name the emoji, greedy against beam search, on held-out pictures or on training
 * pictures spread over the whole set (every k-th: the first ones are all yellow faces, the hardest group).
 * A diagnostic (not part of the product), quicker than {@code emu4j eval}: captions only.
 * <p>
 * Build first (README), then:
 * {@code java --add-modules jdk.incubator.vector -cp "emu4j-cli/target/emu4j-cli-0.1.0-SNAPSHOT.jar:emu4j-cli/target/lib/*" tools/demo/CaptionNameProbe.java MODEL DATA WIDTHS [N] [train]}
 * <p>
 * WIDTHS is a comma list of beam widths (1 = greedy), e.g. {@code 1,4}; N caps the pictures (with
 * {@code train}: about N training pictures, evenly spread). Prints the right name and each width's first
 * clause per picture, then the counts.
 */
public class CaptionNameProbe {
    public static void main(String[] args) throws Exception {
        if (args.length < 3 || args.length > 5) throw new IllegalArgumentException("usage: CaptionNameProbe MODEL DATA WIDTHS [N] [train]");
        int[] widths = Arrays.stream(args[2].split(",")).mapToInt(Integer::parseInt).toArray();
        int limit = args.length > 3 ? Integer.parseInt(args[3]) : Integer.MAX_VALUE;
        boolean train = args.length > 4 && args[4].equals("train");
        try (Emu3Bundle b = Emu3Bundle.load(Path.of(args[0]))) {
            EvalData d = EvalData.read(Path.of(args[1]));
            List<ManifestEntry> items = d.select(EvalData.EMOJI, train ? Split.TRAIN : Split.TEST);
            if (train && limit < items.size()) {
                List<ManifestEntry> spread = new ArrayList<>();
                for (int i = 0; i < items.size() && spread.size() < limit; i += items.size() / limit) spread.add(items.get(i));
                items = spread;
            }
            Understanding u = new Understanding(b.model(), b.tokens(), b.tokenizer());
            int[] hits = new int[widths.length];
            int n = 0;
            for (ManifestEntry e : items) {
                if (n == limit) break;
                String right = String.valueOf(e.attributes().get("name"));
                int[] prompt = b.processor().understandingPrompt(b.encodeImage(d.image(e)).block(b.processor()), "Describe the image");
                StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-40s", right + " (" + e.attributes().get("style") + ")"));
                for (int i = 0; i < widths.length; i++) {
                    int[] answer = widths[i] == 1 ? u.answer(prompt, new Sampler(0f, 0, 1f, 0), 32, null, null) : u.beamSearch(prompt, widths[i], 1f, 32, null);
                    String name = firstClause(b.tokenizer().decode(answer));
                    if (name.equals(right)) hits[i]++;
                    line.append(" | ").append(String.format(Locale.ROOT, "%-32s", name));
                }
                n++;
                System.out.println(line);
            }
            System.out.printf(Locale.ROOT, "%d %s pictures; beam widths %s name %s%n", n, train ? "training" : "held-out", Arrays.toString(widths), Arrays.toString(hits));
        }
    }

    static String firstClause(String caption) {
        int comma = caption.indexOf(',');
        return (comma < 0 ? caption : caption.substring(0, comma)).strip().toLowerCase(Locale.ROOT);
    }
}
