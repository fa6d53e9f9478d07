package ai.emu4j.cli;

import java.io.PrintWriter;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** Progress bars on the command's stderr (so tests and pipes capture them), redrawn in place with CR. */
final class Progress {
    /** Wide enough for the bar and the training report (loss per modality, lr, tokens/s, validation loss). */
    private static final int WIDTH = 180;

    private Progress() {}

    static ProgressBar bar(PrintWriter err, String task, long max, String unit) {
        return new ProgressBarBuilder()
                .setTaskName(task)
                .setStyle(ProgressBarStyle.UNICODE_BLOCK)   // no colour codes: stderr is often a log file
                .setInitialMax(max)
                .setUnit(" " + unit, 1)
                .setUpdateIntervalMillis(200)
                .setMaxRenderedLength(WIDTH)
                .setConsumer(new DelegatingProgressBarConsumer(line -> {
                    err.print("\r" + line);
                    err.flush();
                }, WIDTH) {
                    @Override
                    public void close() {
                        err.println();
                        err.flush();
                    }
                })
                .build();
    }
}
