package ai.emu4j.eval;

import ai.emu4j.models.vq.RgbImage;
import ai.emu4j.models.vq.VQImages;
import ai.emu4j.models.vq.VQMetrics;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reconstruction of held-out images, as {@code emu4j tokenizer eval} measures it (mean per-image PSNR and
 * SSIM against the resized input, codebook usage, code perplexity), next to the same-grid baseline: the
 * input shrunk to the token grid (one pixel per code, Pillow bicubic with antialiasing) and bicubic-enlarged
 * back. A tokenizer spends log2(codebook) bits per grid cell where that baseline spends 24, so beating it
 * clearly ({@link #REQUIRED_MARGIN_DB}) shows that the codes carry more than a thumbnail.
 */
public final class TokenizerEval {
    public static final String TASK = "tokenizer";
    public static final double REQUIRED_MARGIN_DB = 3;
    /** Per-image PSNR of identical images is infinite; capping keeps the mean finite. */
    static final double MAX_PSNR = 100;

    private TokenizerEval() {}

    public static List<Row> run(EvalModel model, List<RgbImage> images, EvalProgress.Ticker tick) {
        long[] hits = new long[model.codebookSize()];
        Mean psnr = new Mean(), ssim = new Mean(), basePsnr = new Mean(), baseSsim = new Mean();
        for (RgbImage image : images) {
            EvalModel.Reconstruction r = model.reconstruct(image);
            for (int c : r.codes()) hits[c]++;
            RgbImage base = gridBaseline(r.input(), r.rows(), r.cols());
            psnr.add(Math.min(MAX_PSNR, VQMetrics.psnr(r.input(), r.output())));
            ssim.add(VQMetrics.ssim(r.input(), r.output()));
            basePsnr.add(Math.min(MAX_PSNR, VQMetrics.psnr(r.input(), base)));
            baseSsim.add(VQMetrics.ssim(r.input(), base));
            tick.step();
        }
        int n = images.size();
        String baseName = "bicubic via token grid";
        List<Row> rows = new ArrayList<>();
        rows.add(new Row(TASK, "PSNR", n, psnr.value(), basePsnr.value(), baseName, Row.Unit.DB));
        rows.add(new Row(TASK, "SSIM", n, ssim.value(), baseSsim.value(), baseName, Row.Unit.NUMBER));
        long used = Arrays.stream(hits).filter(h -> h > 0).count();
        rows.add(new Row(TASK, "codebook usage", n, used / (double) hits.length, null, null, Row.Unit.RATE));
        rows.add(new Row(TASK, "code perplexity (of " + hits.length + ")", n, VQMetrics.perplexity(hits), null, null, Row.Unit.NUMBER));
        rows.add(Row.check(TASK, "PSNR beats baseline by >= " + (int) REQUIRED_MARGIN_DB + " dB", psnr.value() - basePsnr.value() >= REQUIRED_MARGIN_DB));
        return rows;
    }

    /** The picture shrunk to rows x cols and enlarged back, both with Pillow's bicubic. */
    public static RgbImage gridBaseline(RgbImage image, int rows, int cols) {
        return VQImages.resize(VQImages.resize(image, cols, rows), image.width(), image.height());
    }
}
