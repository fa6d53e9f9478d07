package ai.emu4j.eval;

/** A running mean of scores or of yes/no outcomes (as 1/0); NaN before the first. */
public final class Mean {
    private double sum;
    private int count;

    public void add(double v) {
        sum += v;
        count++;
    }

    public void add(boolean ok) {
        add(ok ? 1 : 0);
    }

    public int count() {
        return count;
    }

    public double value() {
        return count == 0 ? Double.NaN : sum / count;
    }
}
