package ai.emu4j.core.kernels;

import ai.emu4j.core.tensor.DType;
import ai.emu4j.core.tensor.Half;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The linear layer over stored weights: y(m, n) = x(m, k) * W(n, k)^T [+ bias(n)], with W row-major in a
 * MemorySegment (usually a slice of a mapped safetensors/GGUF file) as F32, F16 or BF16, and x, y, bias on
 * the heap in F32. This is torch's F.linear with the weight layout of nn.Linear.
 *
 * <p>Two regimes. Few activation rows (decode, m &lt;= {@link #MATVEC_MAX_M}): memory-bound, so each
 * weight row is read once, converted in registers and dotted with every x row (MatVecF32/F16/BF16), split
 * over threads by row chunks. More rows (prefill): compute-bound, so blocks of weight rows are dequantised
 * into an F32 panel per thread (one conversion per weight per call, amortised over m rows) and multiplied
 * with the packed SGEMM kernel.
 */
public final class Linear {
    /** Up to this many x rows the dot-product path wins: its cost is m dot products per weight row read. */
    static final int MATVEC_MAX_M = 4;
    /** Weight rows per dequantised panel: 128 rows x k=8192 x 4 B = 4 MB at most, per thread. */
    private static final int PANEL_ROWS = 128;
    private static final ThreadLocal<float[]> PANEL = new ThreadLocal<>();

    private Linear() {}

    /**
     * y[yOff + i*n + j] = sum_p x[xOff + i*k + p] * W[j, p] + (bias == null ? 0 : bias[j]), for i &lt; m,
     * j &lt; n. w holds the n*k weights from byte 0, row-major, little-endian, in wType (F32, F16 or BF16).
     * Uses the SIMD widths from {@link VectorWidth} (MATVEC_BITS for few rows, BITS for the GEMM path)
     * and the threads of {@link Parallel}, so w must come from a shared, global or auto arena (or a
     * mapped file in one), not a confined one.
     */
    public static void linear(float[] x, int xOff, int m, int k, MemorySegment w, DType wType,
                              float[] bias, float[] y, int yOff, int n) {
        linear(m <= MATVEC_MAX_M ? VectorWidth.MATVEC_BITS : VectorWidth.BITS, x, xOff, m, k, w, wType, bias, y, yOff, n);
    }

    /**
     * Heap F32 weights W(n, k) at w[wOff...]: the same contract, run as the GEMM x W^T (its few-row path is
     * the matvec). Not through a heap segment: mixing heap and native segments in the same JDK accessors
     * slows every segment kernel (see SgemmKernel.Scratch).
     */
    public static void linear(float[] x, int xOff, int m, int k, float[] w, int wOff,
                              float[] bias, float[] y, int yOff, int n) {
        Gemm.sgemm(false, true, m, n, k, 1f, x, xOff, k, w, wOff, k, 0f, y, yOff, n);
        addBias(bias, m, y, yOff, n);
    }

    /** As {@link #linear(float[], int, int, int, MemorySegment, DType, float[], float[], int, int)} at a given width (0, 128, 256, 512). */
    public static void linear(int vectorBits, float[] x, int xOff, int m, int k, MemorySegment w, DType wType,
                              float[] bias, float[] y, int yOff, int n) {
        long need = (long) n * k * wType.byteSize();
        if (w.byteSize() < need) {
            throw new IllegalArgumentException("weight segment has " + w.byteSize() + " bytes, (" + n + ", " + k + ") " + wType + " needs " + need);
        }
        if (m <= 0 || n <= 0) return;
        if (m <= MATVEC_MAX_M || vectorBits == 0) {
            // Chunks of at least ~256 KB of weights, so tiny layers stay on the calling thread.
            int minRows = Math.max(1, (256 << 10) / Math.max(1, k * wType.byteSize()));
            Parallel.forRange(n, minRows, (r0, r1) -> rows(vectorBits, wType, w, k, x, xOff, m, y, yOff, n, r0, r1));
        } else {
            SgemmKernel kernel = SgemmKernel.of(VectorWidth.species(vectorBits));
            int blocks = (n + PANEL_ROWS - 1) / PANEL_ROWS;
            Parallel.forRange(blocks, 1, (b0, b1) -> {
                float[] panel = panel(PANEL_ROWS * k);
                for (int b = b0; b < b1; b++) {
                    int r0 = b * PANEL_ROWS, r1 = Math.min(n, r0 + PANEL_ROWS);
                    dequantize(wType, w, k, r0, r1, panel);
                    kernel.sgemm(false, true, m, r1 - r0, k, 1f, x, xOff, k, panel, 0, k, 0f, y, yOff + r0, n);
                }
            });
        }
        addBias(bias, m, y, yOff, n);
    }

    private static void addBias(float[] bias, int m, float[] y, int yOff, int n) {
        if (bias == null) return;
        for (int i = 0; i < m; i++) {
            int row = yOff + i * n;
            for (int j = 0; j < n; j++) y[row + j] += bias[j];
        }
    }

    private static void rows(int bits, DType wType, MemorySegment w, int k, float[] x, int xOff, int m,
                             float[] y, int yOff, int n, int r0, int r1) {
        switch (wType) {
            case F32 -> MatVecF32.rows(bits, w, k, x, xOff, m, y, yOff, n, r0, r1);
            case F16 -> MatVecF16.rows(bits, w, k, x, xOff, m, y, yOff, n, r0, r1);
            case BF16 -> MatVecBF16.rows(bits, w, k, x, xOff, m, y, yOff, n, r0, r1);
            default -> throw new IllegalArgumentException("linear weights must be F32, F16 or BF16, not " + wType);
        }
    }

    private static void dequantize(DType wType, MemorySegment w, int k, int r0, int r1, float[] dst) {
        switch (wType) {
            case F32 -> MatVecF32.dequantize(w, k, r0, r1, dst);
            case F16 -> MatVecF16.dequantize(w, k, r0, r1, dst);
            case BF16 -> MatVecBF16.dequantize(w, k, r0, r1, dst);
            default -> throw new IllegalArgumentException("linear weights must be F32, F16 or BF16, not " + wType);
        }
    }

    private static float[] panel(int size) {
        float[] p = PANEL.get();
        if (p == null || p.length < size) {
            p = new float[size];
            PANEL.set(p);
        }
        return p;
    }

    /** The oracle: element-by-element dequantisation and a double accumulator. */
    public static void scalar(float[] x, int xOff, int m, int k, MemorySegment w, DType wType,
                              float[] bias, float[] y, int yOff, int n) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double acc = bias == null ? 0 : bias[j];
                for (int p = 0; p < k; p++) {
                    long idx = (long) j * k + p;
                    float wv = switch (wType) {
                        case F32 -> w.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, idx);
                        case F16 -> Half.f16ToF32(w.getAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, idx));
                        case BF16 -> Half.bf16ToF32(w.getAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, idx));
                        default -> throw new IllegalArgumentException(wType.toString());
                    };
                    acc += (double) x[xOff + i * k + p] * wv;
                }
                y[yOff + i * n + j] = (float) acc;
            }
        }
    }
}
