package ai.emu4j.core.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Edge cases of {@link Pool} and {@link Interpolate} that the PyTorch fixtures do not pin down. */
class PoolInterpolateTest {

    @Test
    void maxPoolPropagatesNaNAndPicksFirstMaximum() {
        Pool.Geometry g = new Pool.Geometry(1, new int[] {4}, new int[] {2}, new int[] {2}, new int[] {0});
        float[] y = new float[2];
        int[] idx = new int[2];
        Pool.maxForward(g, new float[] {3f, 3f, 1f, Float.NaN}, y, idx);
        assertEquals(3f, y[0]);
        assertEquals(0, idx[0]);
        assertTrue(Float.isNaN(y[1]));
        assertEquals(3, idx[1]);
    }

    @Test
    void poolRejectsImpossibleShapes() {
        assertThrows(IllegalArgumentException.class, () -> new Pool.Geometry(1, new int[] {5}, new int[] {3}, new int[] {1}, new int[] {2}));
        assertThrows(IllegalArgumentException.class, () -> new Pool.Geometry(1, new int[] {2}, new int[] {5}, new int[] {1}, new int[] {0}));
        assertThrows(IllegalArgumentException.class, () -> new Pool.Geometry(1, new int[] {5, 5}, new int[] {3}, new int[] {1}, new int[] {0}));
    }

    @Test
    void sameSizeResamplingIsIdentity() {
        float[] x = new float[2 * 3 * 4];
        for (int i = 0; i < x.length; i++) x[i] = i * 0.5f - 3;
        float[] y = new float[x.length];
        Interpolate.bilinear(2, 3, 4, 3, 4, false, x, y);
        assertArrayEquals(x, y);
        Interpolate.bicubic(2, 3, 4, 3, 4, false, x, y);
        assertArrayEquals(x, y, 1e-6f);
        Interpolate.nearest(2, new int[] {3, 4}, new int[] {3, 4}, x, y);
        assertArrayEquals(x, y);
    }

    @Test
    void nearestUsesFloatScaleFloorRule() {
        // in 5 -> out 3: scale 5/3, sources floor(0), floor(1.67) = 1, floor(3.33) = 3
        assertEquals(0, Interpolate.nearestIndex(0, 5, 3));
        assertEquals(1, Interpolate.nearestIndex(1, 5, 3));
        assertEquals(3, Interpolate.nearestIndex(2, 5, 3));
        assertThrows(IllegalArgumentException.class, () -> Interpolate.bilinear(1, 3, 3, 0, 2, true, new float[9], new float[4]));
    }
}
