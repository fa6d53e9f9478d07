package ai.emu4j.core.kernels;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import jdk.incubator.vector.VectorSpecies;

/**
 * Blocked, packed SGEMM in the BLIS layout: C = alpha * op(A) * op(B) + beta * C on row-major float[].
 *
 * <p>Loop nest (per thread): N in NC columns, K in KC slices, M in MC rows; for each (KC x NC) slice
 * op(B) is packed into NR-wide micro-panels and each (MC x KC) block of alpha * op(A) into MR-tall
 * micro-panels, both zero-padded, so the micro-kernel always runs a full MR x NR register tile on
 * unit-stride data whatever the transposes, offsets and leading dimensions. Packing costs one pass over
 * each operand per block (O(MK + KN) against O(MNK) FMAs) and turns strided or transposed reads into
 * sequential ones. Threads share each packed B slice and take C blocks dynamically (see blocked).
 *
 * <p>The Vector API only compiles to SIMD when the species is a compile-time constant, so each width
 * is its own subclass with a {@code static final} species ({@link #of}); the driver here is scalar.
 */
public abstract sealed class SgemmKernel permits SgemmKernel128, SgemmKernel256, SgemmKernel512 {
    /** Rows of the register tile: MR broadcasts x 2 vectors = 12 accumulators plus 3 operands fit 16 registers. */
    static final int MR = 6;
    /** Packing stages up to 32 KB at a time: small-k blocks go in one bulk copy, long panels one by one. */
    static final int STAGE_FLOATS = 8192;
    static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT;
    /** Below this many M rows a packed 6-row tile is mostly padding; rows are streamed against B instead. */
    private static final int SMALL_M = 4;
    /** Work (m*n*k) under which splitting across threads costs more than it saves. */
    private static final long PARALLEL_WORK = 96L * 96 * 96;

    /** Register tile width in floats: two vectors. */
    final int nr;
    private final int kcMax, mcMax, ncMax;
    private final ThreadLocal<Scratch> scratch = new ThreadLocal<>();

    /**
     * Block sizes: KC is large (1024 at 256/512 bits) because every K slice re-reads and re-writes all of
     * C; on the dev VM going from KC 128 to 1024 took 2048^3 from 112 to ~180 GFLOP/s per core (CPU time),
     * with the B micro-panel then served from L2 rather than L1. MC keeps the A block (MC x KC) at ~240 KB
     * of the 1 MB L2. The packed B slice (KC x NC, 8 MB) lives in L3 and is the main memory
     * cost: one such buffer per thread that has run a large GEMM, kept for reuse.
     */
    SgemmKernel(int vectorLength, int kcMax, int mcMax, int ncMax) {
        this.nr = 2 * vectorLength;
        this.kcMax = kcMax;
        this.mcMax = mcMax;
        this.ncMax = ncMax;
    }

    /** The kernel for a float species of 128, 256 or 512 bits. */
    public static SgemmKernel of(VectorSpecies<Float> species) {
        return switch (species.vectorBitSize()) {
            case 128 -> SgemmKernel128.INSTANCE;
            case 256 -> SgemmKernel256.INSTANCE;
            case 512 -> SgemmKernel512.INSTANCE;
            default -> throw new IllegalArgumentException("no SGEMM kernel for " + species);
        };
    }

    /** The species this kernel was compiled for. */
    public abstract VectorSpecies<Float> species();

    /**
     * tile[MR x nr] = Ap(MR x kc, packed k-major) * Bp(kc x nr, packed k-major); ai/bi are micro-panel
     * starts in floats. Two C2 quirks shape this (JDK 25, measured per core at 512 bits, CPU time): reading
     * the panels from float[] instead of segments, or adding the accumulators into C in the same method
     * instead of storing them to a tile, each drop the k loop from ~240 to 30-80 GFLOP/s.
     */
    abstract void microKernel(int kc, MemorySegment ap, long ai, MemorySegment bp, long bi, float[] tile);

    /** C[MR x nr] at ci += tile. */
    abstract void addTile(float[] tile, float[] c, int ci, int ldc);

    /** c[ci .. ci+n) += sum over 4 rows r of a[r] * b[bi + r*ldb .. + n). Used by the small-M path. */
    abstract void axpy4(int n, float a0, float a1, float a2, float a3, float[] b, int bi, int ldb, float[] c, int ci);

    /** c[ci .. ci+n) += a0 * b[bi .. bi+n). */
    abstract void axpy1(int n, float a0, float[] b, int bi, float[] c, int ci);

    /** Dot product of x[xi .. xi+k) and y[yi .. yi+k). */
    abstract float dot(int k, float[] x, int xi, float[] y, int yi);

    /** Same contract as {@link Gemm#sgemm}. */
    public void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                      float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                      float beta, float[] c, int cOff, int ldc) {
        if (m <= 0 || n <= 0) return;
        scaleC(m, n, beta, c, cOff, ldc);
        if (k <= 0 || alpha == 0f) return;
        long work = (long) m * n * k;
        int threads = work < PARALLEL_WORK ? 1 : Parallel.threads();
        if (n <= SMALL_M && m > SMALL_M) {
            transposedSmallN(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
            return;
        }
        if (m <= SMALL_M) {
            float[] ap = packRows(transA, m, k, alpha, a, aOff, lda);
            int minCols = Math.max(nr, (int) Math.min(n, (PARALLEL_WORK / Math.max(1, (long) m * k))));
            Parallel.forRange(n, threads == 1 ? n : minCols,
                    (j0, j1) -> smallM(transB, m, k, ap, b, bOff, ldb, c, cOff, ldc, j0, j1));
            return;
        }
        blocked(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, threads);
    }

    /**
     * Few columns (matrix times a handful of vectors): a 6 x nr tile would be mostly padding, so compute
     * C^T = op(B)^T op(A)^T with the few-rows path into a scratch (n x m) and add it back transposed.
     */
    private void transposedSmallN(boolean transA, boolean transB, int m, int n, int k, float alpha,
                                  float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float[] c, int cOff, int ldc) {
        float[] t = new float[n * m];
        sgemm(!transB, !transA, n, m, k, alpha, b, bOff, ldb, a, aOff, lda, 0f, t, 0, m);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) c[cOff + i * ldc + j] += t[j * m + i];
        }
    }

    private static void scaleC(int m, int n, float beta, float[] c, int cOff, int ldc) {
        if (beta == 1f) return;
        for (int i = 0; i < m; i++) {
            int row = cOff + i * ldc;
            if (beta == 0f) {
                Arrays.fill(c, row, row + n, 0f);
            } else {
                for (int j = 0; j < n; j++) c[row + j] *= beta;
            }
        }
    }

    /** Copies alpha * op(A) (m x k, m small) into a dense row-major array so rows are unit stride. */
    private static float[] packRows(boolean transA, int m, int k, float alpha, float[] a, int aOff, int lda) {
        float[] ap = new float[m * k];
        for (int i = 0; i < m; i++) {
            for (int p = 0; p < k; p++) {
                ap[i * k + p] = alpha * (transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p]);
            }
        }
        return ap;
    }

    /**
     * Few rows of A: memory-bound on B, so B is read exactly once in its stored order. Stored K x N it is
     * streamed row by row into the C row (kept in L1) four rows at a time; stored N x K (transB) each C
     * element is a unit-stride dot product.
     */
    private void smallM(boolean transB, int m, int k, float[] ap, float[] b, int bOff, int ldb,
                        float[] c, int cOff, int ldc, int j0, int j1) {
        int n = j1 - j0;
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * ldc + j0;
            int ai = i * k;
            if (transB) {
                for (int j = j0; j < j1; j++) c[cOff + i * ldc + j] += dot(k, ap, ai, b, bOff + j * ldb);
                continue;
            }
            int p = 0;
            for (; p + 4 <= k; p += 4) {
                axpy4(n, ap[ai + p], ap[ai + p + 1], ap[ai + p + 2], ap[ai + p + 3], b, bOff + p * ldb + j0, ldb, c, ci);
            }
            for (; p < k; p++) axpy1(n, ap[ai + p], b, bOff + p * ldb + j0, c, ci);
        }
    }

    /**
     * The blocked loop nest. Per (NC x KC) slice of op(B): all threads pack its micro-panels into one shared
     * buffer, then take (row block x column chunk) tasks from a shared counter, each packing its A block and
     * running the micro-kernels. Taking tasks dynamically, at least 4 per thread, keeps both cores busy when
     * the other engineers' processes steal one of them for a while; static halves waited on the slower one.
     */
    private void blocked(boolean transA, boolean transB, int m, int n, int k, float alpha,
                         float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float[] c, int cOff, int ldc,
                         int threads) {
        // Even K slices: 1536 = 2 x 768 rather than 1024 + 512, so no slice runs a short, overhead-heavy loop.
        int kSlices = (k + kcMax - 1) / kcMax;
        int kcStep = (k + kSlices - 1) / kSlices;
        int mc = Math.min(mcMax, roundUp((m + 4 * threads - 1) / (4 * threads), MR));
        int mBlocks = (m + mc - 1) / mc;
        int ncCap = Math.min(ncMax, roundUp(n, nr));
        Scratch shared = scratch();
        MemorySegment bp = shared.packedB(kcStep * ncCap);
        for (int jc = 0; jc < n; jc += ncMax) {
            int nc = Math.min(ncMax, n - jc);
            int panels = (nc + nr - 1) / nr;
            int nChunks = mBlocks >= 4 * threads ? 1 : Math.min(panels, (4 * threads + mBlocks - 1) / mBlocks);
            int tasks = mBlocks * nChunks;
            for (int pc = 0; pc < k; pc += kcStep) {
                int kc = Math.min(kcStep, k - pc), jcF = jc, pcF = pc;
                Parallel.forRange(panels, Math.max(1, panels / threads),
                        (p0, p1) -> packB(transB, b, bOff, ldb, pcF, kc, jcF, nc, bp, p0, p1));
                AtomicInteger next = new AtomicInteger();
                Parallel.forRange(threads, 1, (w0, w1) -> {
                    Scratch own = scratch();
                    MemorySegment ap = own.packedA(kc * mc);
                    for (int t; (t = next.getAndIncrement()) < tasks; ) {
                        int ic = (t / nChunks) * mc, chunk = t % nChunks;
                        int mcCur = Math.min(mc, m - ic);
                        packA(transA, alpha, a, aOff, lda, ic, mcCur, pcF, kc, ap);
                        int p0 = (int) ((long) panels * chunk / nChunks), p1 = (int) ((long) panels * (chunk + 1) / nChunks);
                        macroKernel(kc, mcCur, nc, ap, bp, p0, p1, own.tile, c, cOff + ic * ldc + jcF, ldc);
                    }
                });
            }
        }
    }

    /** All MR x nr tiles of one packed A block against B micro-panels [p0, p1), added into C at ci. */
    private void macroKernel(int kc, int mc, int nc, MemorySegment aSeg, MemorySegment bSeg, int p0, int p1,
                             float[] tile, float[] c, int ci, int ldc) {
        for (int panel = p0; panel < p1; panel++) {
            int jr = panel * nr;
            long bi = (long) panel * kc * nr;
            int nrValid = Math.min(nr, nc - jr);
            for (int ir = 0; ir < mc; ir += MR) {
                long ai = (long) (ir / MR) * kc * MR;
                int mrValid = Math.min(MR, mc - ir);
                int cTile = ci + ir * ldc + jr;
                microKernel(kc, aSeg, ai, bSeg, bi, tile);
                if (mrValid == MR && nrValid == nr) {
                    addTile(tile, c, cTile, ldc);
                } else {
                    for (int r = 0; r < mrValid; r++) {
                        for (int q = 0; q < nrValid; q++) c[cTile + r * ldc + q] += tile[r * nr + q];
                    }
                }
            }
        }
    }

    /** Packs micro-panels [p0, p1) of op(B)[pc..pc+kc) x [jc..jc+nc), nr wide and k-major, zero-padding the last. */
    private void packB(boolean transB, float[] b, int bOff, int ldb, int pc, int kc, int jc, int nc, MemorySegment bp, int p0, int p1) {
        for (int jr = p0 * nr; jr < Math.min(nc, p1 * nr); jr += nr) {
            int base = (jr / nr) * kc * nr;
            int w = Math.min(nr, nc - jr);
            if (!transB) {
                for (int p = 0; p < kc; p++) {
                    int src = bOff + (pc + p) * ldb + jc + jr;
                    int dst = base + p * nr;
                    MemorySegment.copy(b, src, bp, F32, (long) dst * Float.BYTES, w);
                    if (w < nr) bp.asSlice((long) (dst + w) * Float.BYTES, (long) (nr - w) * Float.BYTES).fill((byte) 0);
                }
            } else {
                // Row q of op(B)'s panel is a contiguous run of B: gather the panel on the heap, then one bulk copy.
                float[] stage = scratch().stage(kc * nr);
                for (int q = 0; q < nr; q++) {
                    if (q < w) {
                        int src = bOff + (jc + jr + q) * ldb + pc;
                        for (int p = 0; p < kc; p++) stage[p * nr + q] = b[src + p];
                    } else {
                        for (int p = 0; p < kc; p++) stage[p * nr + q] = 0f;
                    }
                }
                MemorySegment.copy(stage, 0, bp, F32, (long) base * Float.BYTES, kc * nr);
            }
        }
    }

    /**
     * Packs alpha * op(A)[ic..ic+mc) x [pc..pc+kc) into MR-tall k-major micro-panels, zero-padded: as many
     * panels as fit {@link #STAGE_FLOATS} are gathered in a heap array (plain stores, no per-element segment
     * checks, staying in L1) and copied in bulk. A transposed A holds a panel's MR values of one k step side
     * by side: read as one run per k step. (Gathering a whole block one k step at a time, so each line of A is
     * read once, measured slower: its stores spread over every panel.)
     */
    private void packA(boolean transA, float alpha, float[] a, int aOff, int lda, int ic, int mc, int pc, int kc, MemorySegment ap) {
        int panels = (mc + MR - 1) / MR, group = Math.max(1, STAGE_FLOATS / (kc * MR));
        float[] stage = scratch().stage(kc * MR * Math.min(group, panels));
        for (int g0 = 0; g0 < panels; g0 += group) {
            int g1 = Math.min(panels, g0 + group);
            for (int q = g0; q < g1; q++) {
                int i0 = q * MR, h = Math.min(MR, mc - i0), panel = (q - g0) * kc * MR;
                if (h < MR) java.util.Arrays.fill(stage, panel, panel + kc * MR, 0f);
                if (!transA) {
                    for (int r = 0; r < h; r++) {
                        int src = aOff + (ic + i0 + r) * lda + pc;
                        for (int p = 0; p < kc; p++) stage[panel + p * MR + r] = alpha * a[src + p];
                    }
                } else {
                    for (int p = 0; p < kc; p++) {
                        int src = aOff + (pc + p) * lda + ic + i0, dst = panel + p * MR;
                        for (int r = 0; r < h; r++) stage[dst + r] = alpha * a[src + r];
                    }
                }
            }
            MemorySegment.copy(stage, 0, ap, F32, (long) g0 * kc * MR * Float.BYTES, (g1 - g0) * kc * MR);
        }
    }

    /**
     * Per-thread packing buffers, grown on demand and kept, so that small GEMMs do not allocate and zero
     * megabytes per call. The calling thread's B buffer is shared read-only with the workers for one slice.
     * They are native (off-heap) segments: the weights Linear reads are native too, and once the JDK's
     * segment internals have seen both heap and native segments, the micro-kernel's loads compile to
     * generic code at a third of the speed (measured 60 vs 190 GFLOP/s per core).
     */
    private final class Scratch {
        MemorySegment a = MemorySegment.NULL, b = MemorySegment.NULL;
        final float[] tile = new float[MR * nr];
        float[] stage = new float[0];

        /** Heap staging for one packed panel. */
        float[] stage(int floats) {
            if (stage.length < floats) stage = new float[floats];
            return stage;
        }

        MemorySegment packedA(int floats) {
            if (a.byteSize() < (long) floats * Float.BYTES) a = Arena.ofAuto().allocate((long) floats * Float.BYTES, 64);
            return a;
        }

        MemorySegment packedB(int floats) {
            if (b.byteSize() < (long) floats * Float.BYTES) b = Arena.ofAuto().allocate((long) floats * Float.BYTES, 64);
            return b;
        }
    }

    private Scratch scratch() {
        Scratch s = scratch.get();
        if (s == null) {
            s = new Scratch();
            scratch.set(s);
        }
        return s;
    }

    private static int roundUp(int x, int to) {
        return (x + to - 1) / to * to;
    }
}
