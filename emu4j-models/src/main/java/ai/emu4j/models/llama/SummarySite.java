package ai.emu4j.models.llama;

import java.util.List;

/**
 * A picture whose visual summary is added to the input at (row, position) of a batch: its code grid as
 * token ids, (height x width) row-major. See {@link LlamaWeights.Summary}.
 */
public record SummarySite(int row, int position, int[] codes, int height, int width) {
    public SummarySite {
        if (height <= 0 || width <= 0 || (long) height * width != codes.length) {
            throw new IllegalArgumentException("summary site grid " + height + "x" + width + " does not match " + codes.length + " codes");
        }
    }

    /** Finds the pictures in one row of token ids. */
    @FunctionalInterface
    public interface Finder {
        List<SummarySite> find(int row, int[] ids);
    }
}
