package ai.emu4j.plot;

/**
 * One curve: y against x (NaN y = no value at that x). POINTS marks each value (sparse columns such as
 * val_loss); LINE joins them. raw, when given, is the unsmoothed y, drawn faintly behind.
 */
public record Series(String label, double[] x, double[] y, Style style, double[] raw) {
    public enum Style { LINE, POINTS }

    public Series {
        if (x.length != y.length || raw != null && raw.length != y.length) throw new IllegalArgumentException("series " + label + ": x and y differ in length");
    }

    /** Trailing mean over the last n values (NaN cells skipped): what --smooth draws. */
    public static double[] smooth(double[] y, int n) {
        double[] out = new double[y.length];
        double[] window = new double[n];
        int filled = 0, next = 0;
        double sum = 0;
        for (int i = 0; i < y.length; i++) {
            if (Double.isNaN(y[i])) {
                out[i] = Double.NaN;
                continue;
            }
            if (filled == n) sum -= window[next];
            else filled++;
            window[next] = y[i];
            sum += y[i];
            next = (next + 1) % n;
            out[i] = sum / filled;
        }
        return out;
    }
}
