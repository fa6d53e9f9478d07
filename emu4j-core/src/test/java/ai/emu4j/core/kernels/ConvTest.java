package ai.emu4j.core.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link Conv} fast paths (im2col+GEMM, 1x1, direct depthwise, transposed) against {@link ConvReference}. */
class ConvTest {

    static Stream<Conv.Geometry> convs() {
        int[] one = {1}, two = {1, 1}, three = {1, 1, 1};
        return Stream.of(
                // 1-d
                new Conv.Geometry(2, 3, 5, 1, new int[] {11}, new int[] {3}, one, one, one),
                new Conv.Geometry(3, 4, 6, 2, new int[] {13}, new int[] {4}, new int[] {2}, new int[] {2}, new int[] {2}),
                new Conv.Geometry(1, 6, 6, 6, new int[] {9}, new int[] {5}, new int[] {3}, new int[] {2}, one),
                // 2-d: 3x3 pad 1, strided, dilated, rectangular, grouped, depthwise, multiplier, 1x1, strided 1x1
                new Conv.Geometry(2, 3, 4, 1, new int[] {7, 9}, new int[] {3, 3}, two, two, two),
                new Conv.Geometry(3, 4, 6, 1, new int[] {8, 7}, new int[] {3, 2}, new int[] {2, 3}, new int[] {1, 0}, new int[] {1, 2}),
                new Conv.Geometry(1, 6, 4, 2, new int[] {10, 6}, new int[] {3, 3}, two, new int[] {2, 2}, new int[] {2, 2}),
                new Conv.Geometry(2, 5, 5, 5, new int[] {9, 8}, new int[] {3, 3}, two, two, two),
                new Conv.Geometry(3, 4, 4, 4, new int[] {9, 10}, new int[] {3, 5}, new int[] {2, 2}, new int[] {1, 2}, new int[] {2, 1}),
                new Conv.Geometry(2, 3, 6, 3, new int[] {5, 7}, new int[] {3, 3}, two, two, two),
                new Conv.Geometry(2, 6, 5, 1, new int[] {5, 7}, new int[] {1, 1}, two, new int[] {0, 0}, two),
                new Conv.Geometry(2, 6, 4, 2, new int[] {5, 7}, new int[] {1, 1}, two, new int[] {0, 0}, two),
                new Conv.Geometry(1, 4, 3, 1, new int[] {7, 8}, new int[] {1, 1}, new int[] {2, 3}, new int[] {0, 0}, two),
                new Conv.Geometry(1, 1, 4, 1, new int[] {6, 6}, new int[] {3, 3}, two, two, two),
                // 3x3 stride 1 with >= 16 channels per group: Winograd, odd sizes (cropped edge tiles), pads 0..2
                new Conv.Geometry(2, 16, 17, 1, new int[] {7, 9}, new int[] {3, 3}, two, two, two),
                new Conv.Geometry(1, 32, 32, 2, new int[] {6, 5}, new int[] {3, 3}, two, new int[] {2, 0}, two),
                new Conv.Geometry(3, 16, 16, 1, new int[] {5, 4}, new int[] {3, 3}, two, new int[] {0, 0}, two),
                new Conv.Geometry(2, 48, 32, 1, new int[] {19, 22}, new int[] {3, 3}, two, two, two),
                // a map large enough for F(4x4, 3x3), with cropped edge tiles
                new Conv.Geometry(1, 16, 16, 1, new int[] {46, 45}, new int[] {3, 3}, two, two, two),
                // 3-d
                new Conv.Geometry(2, 3, 4, 1, new int[] {5, 6, 4}, new int[] {3, 3, 3}, three, three, three),
                new Conv.Geometry(1, 4, 4, 2, new int[] {6, 5, 7}, new int[] {2, 3, 2}, new int[] {2, 1, 2}, new int[] {1, 1, 0}, new int[] {1, 1, 2}),
                new Conv.Geometry(2, 3, 3, 3, new int[] {4, 5, 6}, new int[] {3, 3, 3}, three, three, three));
    }

    static Stream<Conv.TransposedGeometry> transposed() {
        int[] two = {1, 1};
        return Stream.of(
                new Conv.TransposedGeometry(2, 3, 4, 1, new int[] {7}, new int[] {3}, new int[] {2}, new int[] {1}, new int[] {1}, new int[] {1}),
                new Conv.TransposedGeometry(2, 4, 6, 2, new int[] {5, 4}, new int[] {3, 3}, new int[] {2, 2}, new int[] {1, 0}, new int[] {1, 0}, two),
                new Conv.TransposedGeometry(1, 3, 2, 1, new int[] {4, 5}, new int[] {4, 3}, new int[] {3, 2}, new int[] {1, 2}, new int[] {2, 1}, new int[] {1, 2}),
                // outputPadding >= stride but < dilation: output exceeds what the conv formula gives back
                new Conv.TransposedGeometry(2, 2, 3, 1, new int[] {5, 4}, new int[] {3, 2}, two, new int[] {0, 0}, new int[] {1, 1}, new int[] {2, 3}),
                new Conv.TransposedGeometry(2, 4, 4, 4, new int[] {5, 6}, new int[] {3, 3}, new int[] {2, 2}, two, new int[] {1, 1}, two),
                new Conv.TransposedGeometry(1, 4, 2, 1, new int[] {3, 4}, new int[] {1, 1}, two, new int[] {0, 0}, new int[] {0, 0}, two),
                new Conv.TransposedGeometry(2, 16, 16, 1, new int[] {5, 6}, new int[] {3, 3}, two, two, new int[] {0, 0}, two),
                new Conv.TransposedGeometry(2, 2, 4, 2, new int[] {3, 4, 3}, new int[] {2, 3, 3}, new int[] {2, 1, 2}, new int[] {0, 1, 1},
                        new int[] {1, 0, 1}, new int[] {1, 1, 1}));
    }

    static float[] random(Random r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = r.nextFloat() * 2 - 1;
        return a;
    }

    static void assertClose(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what + " length");
        double scale = 0;
        for (float v : expected) scale = Math.max(scale, Math.abs(v));
        for (int i = 0; i < expected.length; i++) {
            double err = Math.abs(expected[i] - actual[i]);
            assertTrue(err <= 1e-5 * Math.max(1, scale) + 1e-4 * Math.abs(expected[i]),
                    what + "[" + i + "]: expected " + expected[i] + " got " + actual[i]);
        }
    }

    @ParameterizedTest
    @MethodSource("convs")
    void convMatchesReference(Conv.Geometry g) {
        Random r = new Random(g.hashCode());
        float[] x = random(r, g.inputLength()), w = random(r, g.weightLength()), b = random(r, g.outChannels());
        float[] dy = random(r, g.outputLength());
        float[] y = new float[g.outputLength()], yRef = new float[g.outputLength()];
        Arrays.fill(y, Float.NaN); // outputs must be overwritten, not accumulated
        Conv.forward(g, x, w, b, y);
        ConvReference.forward(g, x, w, b, yRef);
        assertClose(yRef, y, "y " + g);

        float[] dx = new float[g.inputLength()], dxRef = new float[g.inputLength()];
        Arrays.fill(dx, Float.NaN);
        Conv.backwardData(g, dy, w, dx);
        ConvReference.backwardData(g, dy, w, dxRef);
        assertClose(dxRef, dx, "dx " + g);

        float[] dw = new float[g.weightLength()], dwRef = new float[g.weightLength()];
        float[] db = new float[g.outChannels()], dbRef = new float[g.outChannels()];
        Arrays.fill(dw, Float.NaN);
        Arrays.fill(db, Float.NaN);
        Conv.backwardWeight(g, x, dy, dw, db);
        ConvReference.backwardWeight(g, x, dy, dwRef, dbRef);
        assertClose(dwRef, dw, "dw " + g);
        assertClose(dbRef, db, "db " + g);
    }

    @ParameterizedTest
    @MethodSource("transposed")
    void transposedMatchesReference(Conv.TransposedGeometry g) {
        Random r = new Random(g.hashCode());
        float[] x = random(r, g.inputLength()), w = random(r, g.weightLength()), b = random(r, g.outChannels());
        float[] dy = random(r, g.outputLength());
        float[] y = new float[g.outputLength()], yRef = new float[g.outputLength()];
        Arrays.fill(y, Float.NaN);
        Conv.transposedForward(g, x, w, b, y);
        ConvReference.transposedForward(g, x, w, b, yRef);
        assertClose(yRef, y, "y " + g);

        float[] dx = new float[g.inputLength()], dxRef = new float[g.inputLength()];
        Arrays.fill(dx, Float.NaN);
        Conv.transposedBackwardData(g, dy, w, dx);
        ConvReference.transposedBackwardData(g, dy, w, dxRef);
        assertClose(dxRef, dx, "dx " + g);

        float[] dw = new float[g.weightLength()], dwRef = new float[g.weightLength()];
        float[] db = new float[g.outChannels()], dbRef = new float[g.outChannels()];
        Arrays.fill(dw, Float.NaN);
        Conv.transposedBackwardWeight(g, x, dy, dw, db);
        ConvReference.transposedBackwardWeight(g, x, dy, dwRef, dbRef);
        assertClose(dwRef, dw, "dw " + g);
        assertClose(dbRef, db, "db " + g);
    }

    @Test
    void batchLargerThanThreadsUsesPerThreadPartials() {
        Conv.Geometry g = Conv.Geometry.of(5, 4, 6, 1, new int[] {6, 6}, new int[] {3, 3}, 1, 1, 1);
        convMatchesReference(g);
    }

    @Test
    void outSizeUsesFloorDivision() {
        Conv.Geometry g = new Conv.Geometry(1, 1, 1, 1, new int[] {10, 7, 5}, new int[] {3, 2, 5}, new int[] {3, 2, 1},
                new int[] {1, 0, 0}, new int[] {2, 1, 1});
        // (10 + 2 - 5) / 3 + 1 = 3; (7 - 2) / 2 + 1 = 3; (5 - 5) / 1 + 1 = 1
        assertArrayEquals(new int[] {3, 3, 1}, g.outSize());
        Conv.TransposedGeometry t = new Conv.TransposedGeometry(1, 1, 1, 1, new int[] {4}, new int[] {3}, new int[] {2},
                new int[] {1}, new int[] {1}, new int[] {1});
        // (4 - 1) * 2 - 2 + 2 + 1 + 1 = 8
        assertArrayEquals(new int[] {8}, t.outSize());
    }

    @Test
    void impossibleShapesAreRejected() {
        int[] one = {1};
        List<Runnable> bad = List.of(
                () -> new Conv.Geometry(1, 3, 4, 2, new int[] {5}, new int[] {3}, one, one, one),
                () -> new Conv.Geometry(1, 4, 3, 2, new int[] {5}, new int[] {3}, one, one, one),
                () -> new Conv.Geometry(1, 2, 2, 1, new int[] {4}, new int[] {3}, one, new int[] {0}, new int[] {2}),
                () -> new Conv.Geometry(1, 2, 2, 1, new int[] {4}, new int[] {3}, new int[] {0}, one, one),
                () -> new Conv.Geometry(1, 2, 2, 1, new int[] {4}, new int[] {3}, one, new int[] {-1}, one),
                () -> new Conv.Geometry(1, 2, 2, 1, new int[] {4, 4}, new int[] {3}, one, one, one),
                () -> new Conv.Geometry(0, 2, 2, 1, new int[] {4}, new int[] {3}, one, one, one),
                () -> new Conv.Geometry(1, 2, 2, 1, new int[] {4, 4, 4, 4}, new int[] {1, 1, 1, 1}, new int[] {1, 1, 1, 1},
                        new int[] {0, 0, 0, 0}, new int[] {1, 1, 1, 1}),
                () -> new Conv.TransposedGeometry(1, 2, 2, 1, new int[] {4}, new int[] {3}, new int[] {2}, one, new int[] {2}, one),
                () -> new Conv.TransposedGeometry(1, 2, 2, 1, new int[] {1}, new int[] {1}, one, new int[] {1}, new int[] {0}, one),
                () -> Conv.forward(Conv.Geometry.of(1, 1, 1, 1, new int[] {4}, new int[] {3}, 1, 0, 1),
                        new float[3], new float[3], null, new float[2]));
        for (Runnable b : bad) assertThrows(IllegalArgumentException.class, b::run);
    }
}
