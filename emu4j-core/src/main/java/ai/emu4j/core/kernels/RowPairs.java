package ai.emu4j.core.kernels;

import java.lang.foreign.MemorySegment;

/**
 * The row order of the vector matvec kernels: rows r and r + half of a thread's range go through one
 * pass, two read streams half the range apart. On the dev VM (2 threads) that read 46-48 GB/s from a
 * 262 MB F32 matrix against 39-42 for one row at a time, and 84-87 against 69-70 on 46 MB (partly in
 * L3); adjacent rows (one stream) gained nothing and four streams no more than two. Each row's sum is
 * computed the same way whatever its partner, so results do not depend on how rows are split between
 * threads.
 */
final class RowPairs {
    /** y[ya] = dot(W row at byte a, x[xi ..]), y[yb] = the same for the row at byte b (a may equal b). */
    @FunctionalInterface
    interface Kernel {
        void dot2(MemorySegment w, long a, long b, float[] x, int xi, int k, float[] y, int ya, int yb);
    }

    private RowPairs() {}

    /** Weight rows [r0, r1) of rowBytes each, for every x row i &lt; m, into y[yOff + i*n + r]. */
    static void rows(Kernel kernel, long rowBytes, MemorySegment w, int k, float[] x, int xOff, int m, float[] y, int yOff, int n, int r0, int r1) {
        int half = (r1 - r0) / 2;
        for (int r = r0; r < r0 + half; r++) pair(kernel, rowBytes, w, k, x, xOff, m, y, yOff, n, r, r + half);
        // An odd count leaves the last row: paired with itself, it is read twice from L1.
        if ((r1 - r0) % 2 == 1) pair(kernel, rowBytes, w, k, x, xOff, m, y, yOff, n, r1 - 1, r1 - 1);
    }

    private static void pair(Kernel kernel, long rowBytes, MemorySegment w, int k, float[] x, int xOff, int m, float[] y, int yOff, int n, int ra, int rb) {
        long a = ra * rowBytes, b = rb * rowBytes;
        for (int i = 0; i < m; i++) kernel.dot2(w, a, b, x, xOff + i * k, k, y, yOff + i * n + ra, yOff + i * n + rb);
    }
}
