package ai.emu4j.train.lm;

import ai.emu4j.core.tensor.Tensor;
import ai.emu4j.models.llama.SummarySite;

import java.util.ArrayList;
import java.util.List;

/**
 * Samples right-padded to the longest: inputs (B, T) = tokens[0..n-2] then pad; per flattened position
 * the target tokens[i+1] or {@link LmTrainer#IGNORE}, its loss weight (1 text, the vision weight for
 * vision, 0 ignored) and its {@link Sample} kind; the samples' own summary sites (collapsed pictures) by row.
 */
record Batch(Tensor inputs, Tensor targets, Tensor weights, byte[] kinds, long realTokens, long predicted, List<SummarySite> sites) {
    static Batch of(List<Sample> samples, int pad, float visionWeight) {
        int b = samples.size(), t = 0;
        for (Sample s : samples) t = Math.max(t, s.length() - 1);
        int[] in = new int[b * t], target = new int[b * t];
        float[] w = new float[b * t];
        byte[] kinds = new byte[b * t];
        long real = 0, predicted = 0;
        java.util.Arrays.fill(in, pad);
        java.util.Arrays.fill(target, LmTrainer.IGNORE);
        List<SummarySite> sites = new ArrayList<>();
        for (int r = 0; r < b; r++) {
            Sample s = samples.get(r);
            for (Sample.Site site : s.sites()) sites.add(new SummarySite(r, site.position(), site.codes(), site.height(), site.width()));
            for (int i = 0; i + 1 < s.length(); i++) {
                int at = r * t + i;
                in[at] = s.tokens()[i];
                real++;
                byte kind = s.kinds()[i + 1];
                if (kind == Sample.IGNORE) continue;
                target[at] = s.tokens()[i + 1];
                w[at] = kind == Sample.VISION ? visionWeight : 1f;
                kinds[at] = kind;
                predicted++;
            }
        }
        return new Batch(Tensor.ofInts(in, b, t), Tensor.ofInts(target, b * t), Tensor.of(w, b * t), kinds, real, predicted, List.copyOf(sites));
    }
}
