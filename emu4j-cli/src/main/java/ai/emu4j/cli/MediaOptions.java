package ai.emu4j.cli;

import ai.emu4j.models.vq.VQImages;
import ai.emu4j.models.vq.VQVideos;
import picocli.CommandLine.Option;

/** Input budgets shared by the commands that read images or video. */
final class MediaOptions {
    @Option(names = "--max-frames", description = "Refuse videos with more frames (default: ${DEFAULT-VALUE}).")
    int maxFrames = VQVideos.DEFAULT_MAX_FRAMES;

    @Option(names = "--max-pixels", description = "Refuse images whose header announces more pixels (default: ${DEFAULT-VALUE}).")
    long maxPixels = VQImages.DEFAULT_MAX_PIXELS;
}
