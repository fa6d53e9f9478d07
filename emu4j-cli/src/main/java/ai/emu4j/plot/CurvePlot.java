package ai.emu4j.plot;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Training logs to one plot. x is the "step" column (else the first). Without explicit columns, the
 * losses are drawn: columns named *loss*, or the tokenizer's loss terms ({@link #LOSS_TERMS}). A column
 * with values in fewer than half the rows (val_loss, written at checkpoints) is drawn as points.
 */
public final class CurvePlot {
    public static final Set<String> LOSS_TERMS = Set.of("rec", "perceptual", "codebook", "commit", "gen", "disc");

    private CurvePlot() {}

    /** @param columns columns to draw, or empty for the default; smooth 1 = raw */
    public static BufferedImage render(List<CsvLog> logs, List<String> columns, String title, int smooth, boolean logY, int width, int height) {
        if (smooth < 1) throw new IllegalArgumentException("smoothing window must be >= 1, got " + smooth);
        List<Series> series = new ArrayList<>();
        String xName = null;
        for (CsvLog log : logs) {
            String x = log.has("step") ? "step" : log.columns().getFirst();
            xName = xName == null ? x : xName;
            List<String> want = columns.isEmpty() ? defaults(log, x) : columns;
            if (want.isEmpty()) throw new IllegalArgumentException(log.name() + ": no loss columns; name some with --columns (columns: " + String.join(",", log.columns()) + ")");
            for (String c : want) {
                double[] y = log.column(c);
                long defined = Arrays.stream(y).filter(v -> !Double.isNaN(v)).count();
                if (defined == 0) throw new IllegalArgumentException(log.name() + ": column '" + c + "' has no numbers");
                String label = logs.size() > 1 ? log.name() + ": " + c : c;
                boolean sparse = defined * 2 < log.rows();
                if (sparse) series.add(new Series(label, log.column(x), y, Series.Style.POINTS, null));
                else if (smooth > 1) series.add(new Series(label + String.format(Locale.ROOT, " (mean of %d)", smooth), log.column(x), Series.smooth(y, smooth), Series.Style.LINE, y));
                else series.add(new Series(label, log.column(x), y, Series.Style.LINE, null));
            }
        }
        return LinePlot.render(series, title, xName, logY, width, height);
    }

    private static List<String> defaults(CsvLog log, String x) {
        return log.numericColumns().stream().filter(c -> !c.equals(x) && (c.toLowerCase(Locale.ROOT).contains("loss") || LOSS_TERMS.contains(c))).toList();
    }
}
