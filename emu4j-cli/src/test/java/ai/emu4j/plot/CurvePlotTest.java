package ai.emu4j.plot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Plots of the committed sample logs (test resources plot/*.csv), checked on the pixels. */
class CurvePlotTest {
    static CsvLog log(String name) throws IOException, URISyntaxException {
        return CsvLog.read(Path.of(CurvePlotTest.class.getResource("/plot/" + name).toURI()));
    }

    /** Pixels of the plot area (inside the frame) that are neither background nor grid grey. */
    static long inked(BufferedImage img) {
        long n = 0;
        for (int y = LinePlot.TOP + 2; y < img.getHeight() - LinePlot.BOTTOM - 1; y++) {
            for (int x = LinePlot.LEFT + 2; x < img.getWidth() - LinePlot.RIGHT - 1; x++) {
                int c = img.getRGB(x, y) & 0xFFFFFF, r = c >> 16, g = (c >> 8) & 0xff, b = c & 0xff;
                if (Math.max(r, Math.max(g, b)) - Math.min(r, Math.min(g, b)) > 40) n++;   // coloured: a curve, not white or grey
            }
        }
        return n;
    }

    @Test
    void readsEmptyCellsAsMissing() throws Exception {
        CsvLog lm = log("lm.log.csv");
        assertEquals(40, lm.rows());
        assertEquals(List.of("step", "loss", "text_loss", "vision_loss", "lr", "tokens_per_s", "val_loss"), lm.columns());
        assertTrue(Double.isNaN(lm.column("val_loss")[0]));
        assertEquals(4, java.util.Arrays.stream(lm.column("val_loss")).filter(v -> !Double.isNaN(v)).count());
    }

    @Test
    void drawsLossesWithValidationPoints() throws Exception {
        BufferedImage img = CurvePlot.render(List.of(log("lm.log.csv")), List.of(), "lm", 1, false, 640, 400);
        assertEquals(640, img.getWidth());
        assertEquals(400, img.getHeight());
        assertTrue(inked(img) > 500, "curves in the plot area: " + inked(img));
        BufferedImage onlyVal = CurvePlot.render(List.of(log("lm.log.csv")), List.of("val_loss"), "", 1, true, 640, 400);
        long dots = inked(onlyVal);
        assertTrue(dots > 4 * 30 && dots < 4 * 120, "four validation points, not a line: " + dots);
    }

    @Test
    void tokenizerLogDefaultsToItsLossTermsAndSeveralFilesShareAxes() throws Exception {
        BufferedImage img = CurvePlot.render(List.of(log("vq.log.csv"), log("lm.log.csv")), List.of(), "both", 5, true, 800, 500);
        assertTrue(inked(img) > 1000, "" + inked(img));
    }

    @Test
    void errors() throws Exception {
        CsvLog lm = log("lm.log.csv");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CurvePlot.render(List.of(lm), List.of("nope"), "", 1, false, 640, 400));
        assertTrue(e.getMessage().contains("no column 'nope'") && e.getMessage().contains("val_loss"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> CurvePlot.render(List.of(lm), List.of("loss"), "", 0, false, 640, 400));
        assertThrows(IllegalArgumentException.class, () -> CurvePlot.render(List.of(lm), List.of("loss"), "", 1, false, 50, 50));
    }

    @Test
    void smoothingAndTicks() {
        assertArrayEquals(new double[] {1, 1.5, Double.NaN, 2.5, 3.5}, Series.smooth(new double[] {1, 2, Double.NaN, 3, 4}, 2));
        assertEquals(0.5, LinePlot.niceStep(0.37), 1e-12);
        assertEquals(200, LinePlot.niceStep(130), 1e-9);
        assertEquals("0.25", LinePlot.label(0.25));
        assertEquals("3e-4", LinePlot.label(3e-4));
        assertEquals("1200", LinePlot.label(1200.0000000001));
    }
}
