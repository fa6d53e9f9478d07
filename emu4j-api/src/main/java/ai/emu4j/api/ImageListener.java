package ai.emu4j.api;

import ai.emu4j.models.vq.RgbImage;

/**
 * Progress of {@link Emu3Model#generateImages}, called on the generating thread (keep it quick; hand work
 * to another thread). Image indices run 0..n-1. A preview is the rows generated so far decoded by the vision
 * tokenizer (an image {@code rowsDone * factor} pixels high); it costs one partial decode, so it is made only
 * every {@link #previewEveryRows()} rows (0 = never, the default).
 */
public interface ImageListener {
    default int previewEveryRows() {
        return 0;
    }

    default void started(int index, int rows, int cols, long seed) {}

    default void row(int index, int y, int[] codes) {}

    default void preview(int index, int rowsDone, int rows, RgbImage partial) {}

    default void finished(int index, GeneratedImage image) {}

    ImageListener NONE = new ImageListener() {};
}
