package ai.emu4j.api;

import java.util.List;

/** The aspect ratios offered for generation, and the nearest one to a requested pixel size. */
public final class AspectRatios {
    /** W:H, widest first. */
    public static final List<String> ALL = List.of("16:9", "3:2", "4:3", "1:1", "3:4", "2:3", "9:16");

    private AspectRatios() {}

    /** The ratio of {@link #ALL} closest to width:height in log space (so 2:1 and 1:2 are equally far from 1:1). */
    public static String nearest(long width, long height) {
        if (width <= 0 || height <= 0) throw new IllegalArgumentException("size must be positive, got " + width + "x" + height);
        double target = Math.log((double) width / height);
        String best = ALL.getFirst();
        double bestDistance = Double.MAX_VALUE;
        for (String r : ALL) {
            String[] p = r.split(":");
            double d = Math.abs(Math.log(Double.parseDouble(p[0]) / Double.parseDouble(p[1])) - target);
            if (d < bestDistance) {
                bestDistance = d;
                best = r;
            }
        }
        return best;
    }
}
