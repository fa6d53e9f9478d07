package ai.emu4j.train.lm;

import ai.emu4j.core.tensor.Tensor;
import ai.emu4j.core.util.Rng;
import ai.emu4j.models.emu3.VisionTokens;
import ai.emu4j.models.vq.Emu3VisionVQ;
import ai.emu4j.models.vq.RandomVQ;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CodeAppearanceTest {
    @Test
    void thumbnailAveragesCellsPerChannel() {
        int h = 8, w = 8;
        float[] px = new float[3 * h * w];
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) {
            px[y * w + x] = x < 4 ? 1f : -1f;              // red: left half bright
            px[(h + y) * w + x] = y;                       // green: rows 0..7
            px[(2 * h + y) * w + x] = 0.5f;                // blue: flat
        }
        float[] f = CodeAppearance.thumbnail(px, 0, h, w);
        assertEquals(CodeAppearance.FEATURES, f.length);
        assertEquals(1f, f[0]);                            // red, cell (0, 0)
        assertEquals(-1f, f[3]);                           // red, cell (0, 3)
        assertEquals(0.5f, f[16 + 0]);                     // green, cell row 0 averages rows 0 and 1
        assertEquals(6.5f, f[16 + 12]);                    // green, cell row 3: rows 6 and 7
        assertEquals(0.5f, f[32 + 5]);
    }

    @Test
    void featuresComeFromTheDecoderAndRowsFollowThem(@TempDir Path dir) throws IOException {
        RandomVQ.write(TinySetup.VQ, dir, 3);
        float[][] f;
        try (Emu3VisionVQ vq = Emu3VisionVQ.load(dir)) {
            f = CodeAppearance.features(vq);
            float[][] again = CodeAppearance.features(vq);
            for (int c = 0; c < f.length; c++) assertArrayEquals(f[c], again[c]);
        }
        assertEquals(TinySetup.VQ.codebook_size(), f.length);
        assertTrue(java.util.Arrays.stream(f).anyMatch(x -> !java.util.Arrays.equals(x, f[0])), "codes decode to different pictures");

        // 10 text rows, then the 16 visual tokens at base 10.
        int hidden = 512, base = 10, n = f.length;
        VisionTokens tokens = new VisionTokens(0, 1, 2, 3, 4, 5, 6, 7, base, n);
        Tensor embed = Tensor.randn(new Rng(1), base + n, hidden).mul(0.02f).detach();
        float[] before = embed.toFloatArray().clone();
        CodeAppearance.initRows(embed, tokens, f, new Rng(2));
        float[] after = embed.toFloatArray();
        for (int i = 0; i < base * hidden; i++) assertEquals(before[i], after[i], "text rows are left alone");
        double sq = 0;
        for (int i = base * hidden; i < after.length; i++) sq += after[i] * after[i];
        double std = Math.sqrt(sq / (n * hidden));
        assertTrue(std > 0.01 && std < 0.03, "visual rows at about the random init's 0.02: " + std);

        // A random projection keeps distances: embedding distances track standardised feature distances.
        double[] fd = new double[n * (n - 1) / 2], ed = new double[fd.length];
        int k = 0;
        for (int a = 0; a < n; a++) for (int b = a + 1; b < n; b++, k++) {
            for (int j = 0; j < f[a].length; j++) fd[k] += (f[a][j] - f[b][j]) * (f[a][j] - f[b][j]);
            for (int d = 0; d < hidden; d++) {
                double x = after[(base + a) * hidden + d] - after[(base + b) * hidden + d];
                ed[k] += x * x;
            }
        }
        assertTrue(correlation(fd, ed) > 0.9, "distance correlation " + correlation(fd, ed));
        assertThrows(IllegalArgumentException.class, () -> CodeAppearance.initRows(embed, tokens, java.util.Arrays.copyOf(f, 3), new Rng(2)));
    }

    private static double correlation(double[] x, double[] y) {
        double mx = java.util.Arrays.stream(x).average().orElse(0), my = java.util.Arrays.stream(y).average().orElse(0);
        double sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < x.length; i++) {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        return sxy / Math.sqrt(sxx * syy);
    }
}
