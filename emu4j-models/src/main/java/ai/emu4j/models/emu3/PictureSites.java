package ai.emu4j.models.emu3;

import ai.emu4j.models.llama.SummarySite;

import java.util.ArrayList;
import java.util.List;

/**
 * Where the visual summary goes in Emu3's grammar: every whole single-frame picture in a row of ids,
 * {@code img rows.. eof eoi} with each row W codes then eol, gets its summary at the eoi. The walk goes
 * back from each eoi, so a block cut off by the start of the ids (a picture already in a KV cache) or a
 * video (an eof before the img) has no site; the grid comes from the eol layout, never from the size
 * text. Understanding prompts hold their picture whole, so prefill sees it; generation writes codes one
 * at a time and never summarises, which costs nothing since nothing is generated after a picture's eoi.
 */
public record PictureSites(VisionTokens tokens) implements SummarySite.Finder {
    @Override
    public List<SummarySite> find(int row, int[] ids) {
        List<SummarySite> out = new ArrayList<>();
        for (int p = 1; p < ids.length; p++) {
            if (ids[p] != tokens.eoi() || ids[p - 1] != tokens.eof()) continue;
            SummarySite site = site(row, ids, p);
            if (site != null) out.add(site);
        }
        return out;
    }

    /** The picture ending with the eoi at p, or null when the ids before it are not one whole picture. */
    private SummarySite site(int row, int[] ids, int p) {
        int end = p - 2, width = -1, height = 0;
        while (end >= 0 && ids[end] == tokens.eol()) {
            int start = end - 1;
            while (start >= 0 && tokens.isVisual(ids[start])) start--;
            int w = end - start - 1;
            if (w == 0 || width >= 0 && w != width) return null;
            width = w;
            height++;
            end = start;
        }
        if (height == 0 || end < 0 || ids[end] != tokens.img()) return null;
        int[] codes = new int[height * width];
        int k = 0;
        for (int i = end + 1; i < p - 1; i++) if (ids[i] != tokens.eol()) codes[k++] = ids[i];
        return new SummarySite(row, p, codes, height, width);
    }
}
