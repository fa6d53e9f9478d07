package ai.emu4j.eval;

/**
 * One line of the report: a metric over n items, the model's value, and the baseline it must beat
 * (null where none applies, such as codebook usage). Rates are fractions in [0, 1].
 */
public record Row(String task, String metric, int n, double value, Double baseline, String baselineName, Unit unit) {
    public enum Unit { RATE, DB, NUMBER, YES_NO }

    public static Row rate(String task, String metric, Mean model, Mean baseline, String baselineName) {
        return new Row(task, metric, model.count(), model.value(), baseline == null ? null : baseline.value(), baselineName, Unit.RATE);
    }

    public static Row check(String task, String metric, boolean ok) {
        return new Row(task, metric, 1, ok ? 1 : 0, null, null, Unit.YES_NO);
    }

    /** Model minus baseline, or NaN without a baseline. */
    public double delta() {
        return baseline == null || unit == Unit.YES_NO ? Double.NaN : value - baseline;
    }
}
