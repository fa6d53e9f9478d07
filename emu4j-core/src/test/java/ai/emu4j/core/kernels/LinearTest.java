package ai.emu4j.core.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.emu4j.core.tensor.DType;
import ai.emu4j.core.tensor.Half;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LinearTest {
    @ParameterizedTest
    @ValueSource(ints = {0, 128, 256, 512})
    void everyFormatMatchesScalarDequantisation(int bits) {
        SplittableRandom rnd = new SplittableRandom(bits);
        try (Arena arena = Arena.ofShared()) {
            for (DType t : new DType[] {DType.F32, DType.F16, DType.BF16}) {
                for (int k : new int[] {1, 7, 33, 515}) {
                    for (int m : new int[] {1, 3, 6}) {
                        check(arena, rnd, bits, t, m, k, 37, m % 2 == 1);
                    }
                }
                check(arena, rnd, bits, t, 1, 2048, 700, true);
                check(arena, rnd, bits, t, 20, 300, 300, false);
            }
        }
    }

    @Test
    void halfSpecialValuesConvertExactly() {
        short[] specials = {0x0000, (short) 0x8000, 0x0001, (short) 0x8001, 0x03ff, 0x0400, 0x3c00, (short) 0xbc00,
            0x7bff, (short) 0xfbff, 0x7c00, (short) 0xfc00, 0x7e00, 0x7c01, 0x3555, 0x1234};
        int k = 64;
        try (Arena arena = Arena.ofShared()) {
            MemorySegment w = arena.allocate(2L * k * specials.length, 64);
            for (int r = 0; r < specials.length; r++) {
                for (int p = 0; p < k; p++) w.setAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, (long) r * k + p, p == 5 ? specials[r] : 0);
            }
            float[] x = new float[k];
            x[5] = 1f;
            for (int bits : new int[] {128, 256, 512}) {
                float[] y = new float[specials.length];
                Linear.linear(bits, x, 0, 1, k, w, DType.F16, null, y, 0, specials.length);
                for (int r = 0; r < specials.length; r++) {
                    float expected = Half.f16ToF32(specials[r]);
                    if (Float.isNaN(expected)) assertTrue(Float.isNaN(y[r]), "NaN at " + r);
                    else assertEquals(expected, y[r], 0f, "half 0x" + Integer.toHexString(specials[r] & 0xffff));
                }
            }
        }
    }

    @Test
    void heapWeightsWithOffset() {
        SplittableRandom rnd = new SplittableRandom(3);
        int n = 45, k = 77, off = 11, m = 2;
        float[] w = random(rnd, off + n * k), x = random(rnd, m * k), bias = random(rnd, n);
        float[] y = new float[m * n], expected = new float[m * n];
        Linear.linear(x, 0, m, k, w, off, bias, y, 0, n);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(4L * n * k);
            MemorySegment.copy(w, off, seg, ValueLayout.JAVA_FLOAT, 0, n * k);
            Linear.scalar(x, 0, m, k, seg, DType.F32, bias, expected, 0, n);
        }
        for (int i = 0; i < y.length; i++) assertEquals(expected[i], y[i], 1e-5f * (1 + Math.abs(expected[i])) + 1e-6f * k);
    }

    private static void check(Arena arena, SplittableRandom rnd, int bits, DType t, int m, int k, int n, boolean withBias) {
        MemorySegment w = arena.allocate(t.byteSizeFor((long) n * k) + 3, 64).asSlice(3);
        for (long i = 0; i < (long) n * k; i++) {
            float v = (float) (rnd.nextDouble() * 2 - 1);
            switch (t) {
                case F32 -> w.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i, v);
                case F16 -> w.setAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, i, Half.f32ToF16(v));
                default -> w.setAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, i, Half.f32ToBf16(v));
            }
        }
        int xOff = 5, yOff = 9;
        float[] x = random(rnd, xOff + m * k);
        float[] bias = withBias ? random(rnd, n) : null;
        float[] y = new float[yOff + m * n], expected = new float[yOff + m * n];
        Linear.linear(bits, x, xOff, m, k, w, t, bias, y, yOff, n);
        Linear.scalar(x, xOff, m, k, w, t, bias, expected, yOff, n);
        for (int i = yOff; i < y.length; i++) {
            float tol = 1e-5f * Math.abs(expected[i]) + 2e-6f * (float) Math.sqrt(k) + 1e-7f * k;
            assertEquals(expected[i], y[i], tol, t + " bits=" + bits + " m=" + m + " k=" + k + " at " + i);
        }
    }

    private static float[] random(SplittableRandom rnd, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (rnd.nextDouble() * 2 - 1);
        return x;
    }
}
