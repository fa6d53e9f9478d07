package ai.emu4j.plot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Line plots of training curves on a {@link BufferedImage} (java.awt, headless): axes with "nice" ticks
 * (1, 2, 5 times a power of ten; powers of ten on a log axis), labels, a title and a legend. Everything
 * is drawn inside the image, so the result is self-contained as a PNG.
 */
public final class LinePlot {
    public static final int LEFT = 80, RIGHT = 24, TOP = 44, BOTTOM = 56;
    public static final Color BACKGROUND = Color.WHITE;
    private static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0xff7f0e),
            new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f), new Color(0xbcbd22), new Color(0x17becf)};

    private LinePlot() {}

    public static BufferedImage render(List<Series> series, String title, String xLabel, boolean logY, int width, int height) {
        if (series.isEmpty()) throw new IllegalArgumentException("nothing to plot");
        if (width < LEFT + RIGHT + 50 || height < TOP + BOTTOM + 50) throw new IllegalArgumentException("plot of " + width + "x" + height + " is too small");
        double[] xr = range(series, true, false), yr = range(series, false, logY);
        if (xr == null || yr == null) throw new IllegalArgumentException(logY ? "no positive values to plot on a log axis" : "no values to plot");
        if (!logY) yr = pad(yr);
        if (xr[0] == xr[1]) xr = new double[] {xr[0] - 1, xr[1] + 1};
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(BACKGROUND);
            g.fillRect(0, 0, width, height);
            Axis x = new Axis(xr[0], xr[1], false, LEFT, width - RIGHT), y = new Axis(yr[0], yr[1], logY, height - BOTTOM, TOP);
            drawAxes(g, x, y, width, height, title, xLabel);
            g.setClip(LEFT, TOP, width - LEFT - RIGHT + 1, height - TOP - BOTTOM + 1);
            for (int i = 0; i < series.size(); i++) drawSeries(g, series.get(i), PALETTE[i % PALETTE.length], x, y);
            g.setClip(null);
            drawLegend(g, series, width);
        } finally {
            g.dispose();
        }
        return img;
    }

    /** Maps data values to pixels; a log axis maps log10 of the value. */
    private record Axis(double min, double max, boolean log, int from, int to) {
        double pixel(double v) {
            double a = log ? Math.log10(min) : min, b = log ? Math.log10(max) : max, t = log ? Math.log10(v) : v;
            return from + (t - a) / (b - a) * (to - from);
        }

        List<Double> ticks() {
            List<Double> out = new ArrayList<>();
            if (log) {
                int lo = (int) Math.floor(Math.log10(min)), hi = (int) Math.ceil(Math.log10(max));
                int[] steps = hi - lo <= 2 ? new int[] {1, 2, 5} : new int[] {1};
                for (int e = lo; e <= hi; e++) {
                    for (int s : steps) {
                        double v = s * Math.pow(10, e);
                        if (v >= min * (1 - 1e-9) && v <= max * (1 + 1e-9)) out.add(v);
                    }
                }
                return out;
            }
            double step = niceStep((max - min) / 6);
            for (double v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) out.add(Math.abs(v) < step * 1e-9 ? 0 : v);
            return out;
        }
    }

    static double niceStep(double raw) {
        double p = Math.pow(10, Math.floor(Math.log10(raw))), f = raw / p;
        return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * p;
    }

    static String label(double v) {
        if (v == 0) return "0";
        double a = Math.abs(v);
        if (a >= 1e5 || a < 1e-3) return String.format(Locale.ROOT, "%.0e", v).replace("e-0", "e-").replace("e+0", "e").replace("e+", "e");
        return new BigDecimal(String.format(Locale.ROOT, "%.6g", v)).stripTrailingZeros().toPlainString();
    }

    private static void drawAxes(Graphics2D g, Axis x, Axis y, int width, int height, String title, String xLabel) {
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        FontMetrics fm = g.getFontMetrics();
        for (double t : x.ticks()) {
            int px = (int) Math.round(x.pixel(t));
            g.setColor(new Color(0xE6E6E6));
            g.drawLine(px, TOP, px, height - BOTTOM);
            g.setColor(Color.BLACK);
            g.drawLine(px, height - BOTTOM, px, height - BOTTOM + 5);
            String s = label(t);
            g.drawString(s, px - fm.stringWidth(s) / 2, height - BOTTOM + 8 + fm.getAscent());
        }
        for (double t : y.ticks()) {
            int py = (int) Math.round(y.pixel(t));
            g.setColor(new Color(0xE6E6E6));
            g.drawLine(LEFT, py, width - RIGHT, py);
            g.setColor(Color.BLACK);
            g.drawLine(LEFT - 5, py, LEFT, py);
            String s = label(t);
            g.drawString(s, LEFT - 8 - fm.stringWidth(s), py + fm.getAscent() / 2 - 1);
        }
        g.setColor(Color.BLACK);
        g.drawRect(LEFT, TOP, width - LEFT - RIGHT, height - TOP - BOTTOM);
        g.drawString(xLabel, LEFT + (width - LEFT - RIGHT - fm.stringWidth(xLabel)) / 2, height - 12);
        if (y.log()) g.drawString("(log scale)", 8, TOP - 8);
        if (title != null && !title.isEmpty()) {
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
            g.drawString(title, (width - g.getFontMetrics().stringWidth(title)) / 2, TOP - 16);
        }
    }

    private static void drawSeries(Graphics2D g, Series s, Color color, Axis x, Axis y) {
        if (s.raw() != null) {
            g.setColor(new Color(color.getRed(), color.getGreen(), color.getBlue(), 70));
            g.setStroke(new BasicStroke(1f));
            g.draw(path(s.x(), s.raw(), x, y));
        }
        g.setColor(color);
        if (s.style() == Series.Style.POINTS) {
            for (int i = 0; i < s.y().length; i++) {
                if (!drawable(s.y()[i], y.log())) continue;
                int px = (int) Math.round(x.pixel(s.x()[i])), py = (int) Math.round(y.pixel(s.y()[i]));
                g.fillOval(px - 4, py - 4, 9, 9);
            }
        } else {
            g.setStroke(new BasicStroke(2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            g.draw(path(s.x(), s.y(), x, y));
        }
    }

    /** Joins consecutive values; a missing value breaks the line. */
    private static Path2D path(double[] xs, double[] ys, Axis x, Axis y) {
        Path2D.Double p = new Path2D.Double();
        boolean pen = false;
        for (int i = 0; i < ys.length; i++) {
            if (!drawable(ys[i], y.log()) || Double.isNaN(xs[i])) {
                pen = false;
                continue;
            }
            double px = x.pixel(xs[i]), py = y.pixel(ys[i]);
            if (pen) p.lineTo(px, py);
            else p.moveTo(px, py);
            pen = true;
        }
        return p;
    }

    private static void drawLegend(Graphics2D g, List<Series> series, int width) {
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        FontMetrics fm = g.getFontMetrics();
        int w = 0;
        for (Series s : series) w = Math.max(w, fm.stringWidth(s.label()));
        int lineH = fm.getHeight() + 2, bx = width - RIGHT - w - 46, by = TOP + 8;
        g.setColor(new Color(255, 255, 255, 220));
        g.fillRect(bx, by, w + 38, lineH * series.size() + 8);
        g.setColor(Color.GRAY);
        g.drawRect(bx, by, w + 38, lineH * series.size() + 8);
        for (int i = 0; i < series.size(); i++) {
            int cy = by + 4 + lineH * i + lineH / 2;
            g.setColor(PALETTE[i % PALETTE.length]);
            if (series.get(i).style() == Series.Style.POINTS) g.fillOval(bx + 12, cy - 4, 9, 9);
            else {
                g.setStroke(new BasicStroke(2f));
                g.drawLine(bx + 6, cy, bx + 26, cy);
            }
            g.setColor(Color.BLACK);
            g.drawString(series.get(i).label(), bx + 32, cy + fm.getAscent() / 2 - 1);
        }
    }

    private static boolean drawable(double v, boolean log) {
        return !Double.isNaN(v) && !Double.isInfinite(v) && (!log || v > 0);
    }

    private static double[] range(List<Series> series, boolean xAxis, boolean log) {
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (int i = 0; i < s.y().length; i++) {
                if (!drawable(s.y()[i], log) || !Double.isFinite(s.x()[i])) continue;
                double v = xAxis ? s.x()[i] : s.y()[i];
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
                if (!xAxis && s.raw() != null && drawable(s.raw()[i], log)) {
                    lo = Math.min(lo, s.raw()[i]);
                    hi = Math.max(hi, s.raw()[i]);
                }
            }
        }
        if (lo > hi) return null;
        if (log && lo == hi) return new double[] {lo / 2, hi * 2};
        return new double[] {lo, hi};
    }

    /** 5% air above and below a linear range, or +-1 around a constant. */
    private static double[] pad(double[] r) {
        double d = r[1] - r[0];
        return d == 0 ? new double[] {r[0] - 1, r[1] + 1} : new double[] {r[0] - 0.05 * d, r[1] + 0.05 * d};
    }
}
