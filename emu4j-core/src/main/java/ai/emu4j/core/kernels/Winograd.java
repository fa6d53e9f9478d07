package ai.emu4j.core.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.util.Arrays;

/**
 * Winograd minimal filtering F(m x m, 3x3) for 2-d 3x3 stride-1 undilated convs (Lavin and Gray, 2015).
 * Each m x m output tile comes from a t x t input tile (t = m + 2) with t² multiplies per (Cout, Cin)
 * pair instead of 9m²: F(2,3) needs 2.25x fewer than im2col, F(4,3) 4x fewer. Per (block of samples,
 * group): input tiles are transformed (V = Bᵀ d B) into t² matrices Cin/g × (samples·tiles), multiplied
 * by the t² transformed weights U = G g Gᵀ (Cout/g × Cin/g) with {@link Gemm#sgemm}, and transformed
 * back (Y = Aᵀ M A). The transforms are O(t² · channels · tiles) against the GEMM's
 * O(t² · Cout · Cin · tiles), so they stay small once channels reach a few dozen.
 *
 * <p>All three products use F(4,3) unless its GEMMs would be too narrow (small maps), then F(2,3).
 * F(4,3)'s transform constants (up to 8 and 1/24) cost accuracy. Measured on 3x3 layers of 64-256
 * channels: forward and backward-data are within about 5e-7 of the largest output of the
 * double-precision reference. The weight gradient, which sums over every tile of the batch, is about
 * 8e-6 from F(2,3) at batch 16 (F(2,3) itself is 2e-7 from the reference). Both are well inside the
 * 1e-4 the PyTorch fixtures allow.
 */
final class Winograd {
    private Winograd() {}

    /** Tile columns per GEMM that small maps are batched up to: N below ~256 leaves the micro-kernel starved. */
    private static final int TARGET_COLUMNS = 512;

    /** One F(m x m, 3x3): the nonzeros of its matrices Bᵀ, G and Aᵀ (given row-major) with their values, per row and per column. */
    static final class Transform {
        final int m, t;
        /** Per row of Bᵀ / Aᵀ, the columns holding nonzeros; per column of Aᵀ, the rows holding nonzeros. */
        final int[][] btCols, atCols, atRows;
        /** The nonzero values in the same order: Bᵀ and Aᵀ by row, Aᵀ by column. */
        final float[][] btCoef, atCoef, atRowCoef;
        /** G's nonzeros per row (columns a, values) and per column (rows i, values). */
        final int[][] gCols, gRows;
        final float[][] gCoef, gRowCoef;

        Transform(int m, float[] bt, float[] g, float[] at) {
            this.m = m;
            this.t = m + 2;
            btCols = nonzeros(bt, t, t);
            atCols = nonzeros(at, m, t);
            float[] a = new float[t * m];
            for (int i = 0; i < m; i++) for (int k = 0; k < t; k++) a[k * m + i] = at[i * t + k];
            atRows = nonzeros(a, t, m);
            gCols = nonzeros(g, t, 3);
            float[] gt = new float[3 * t];
            for (int i = 0; i < t; i++) for (int c = 0; c < 3; c++) gt[c * t + i] = g[i * 3 + c];
            gRows = nonzeros(gt, 3, t);
            gCoef = coefficients(g, 3, gCols);
            gRowCoef = coefficients(gt, t, gRows);
            btCoef = coefficients(bt, t, btCols);
            atCoef = coefficients(at, t, atCols);
            atRowCoef = coefficients(a, m, atRows);
        }

        /** The values at the nonzeros: coef[i][q] = a[i][cols[i][q]]. */
        private static float[][] coefficients(float[] a, int cols, int[][] nz) {
            float[][] c = new float[nz.length][];
            for (int i = 0; i < nz.length; i++) {
                c[i] = new float[nz[i].length];
                for (int q = 0; q < nz[i].length; q++) c[i][q] = a[i * cols + nz[i][q]];
            }
            return c;
        }

        private static int[][] nonzeros(float[] a, int rows, int cols) {
            int[][] r = new int[rows][];
            for (int i = 0; i < rows; i++) {
                int n = 0;
                for (int k = 0; k < cols; k++) if (a[i * cols + k] != 0f) n++;
                r[i] = new int[n];
                n = 0;
                for (int k = 0; k < cols; k++) if (a[i * cols + k] != 0f) r[i][n++] = k;
            }
            return r;
        }
    }

    static final Transform F2 = new Transform(2,
            new float[] {1, 0, -1, 0, 0, 1, 1, 0, 0, -1, 1, 0, 0, 1, 0, -1},
            new float[] {1, 0, 0, 0.5f, 0.5f, 0.5f, 0.5f, -0.5f, 0.5f, 0, 0, 1},
            new float[] {1, 1, 1, 0, 0, 1, -1, -1});

    static final Transform F4 = new Transform(4,
            new float[] {
                4, 0, -5, 0, 1, 0,
                0, -4, -4, 1, 1, 0,
                0, 4, -4, -1, 1, 0,
                0, -2, -1, 2, 1, 0,
                0, 2, -1, -2, 1, 0,
                0, 4, 0, -5, 0, 1},
            new float[] {
                1f / 4, 0, 0,
                -1f / 6, -1f / 6, -1f / 6,
                -1f / 6, 1f / 6, -1f / 6,
                1f / 24, 1f / 12, 1f / 6,
                1f / 24, -1f / 12, 1f / 6,
                0, 0, 1},
            new float[] {
                1, 1, 1, 1, 1, 0,
                0, 1, -1, 2, -2, 0,
                0, 1, 1, 4, 4, 0,
                0, 1, -1, 8, -8, 1});

    /** How many samples share one set of GEMMs so that each has about TARGET_COLUMNS columns. */
    private static int samplesPerBlock(Conv.Plan p, int tiles) {
        int perThread = (p.batch + Parallel.threads() - 1) / Parallel.threads();
        return Math.max(1, Math.min(perThread, (TARGET_COLUMNS + tiles - 1) / tiles));
    }

    /**
     * y = conv(x, w) for a plan with {@link Conv.Plan#winograd()} true; overwrites y (no bias). F(4,3)
     * unless that leaves the GEMMs too narrow (small maps), then F(2,3).
     * Small maps put several samples side by side in the tile dimension (an 8x8 map has only 4 F(4,3)
     * tiles), so GEMMs get up to {@value #TARGET_COLUMNS} columns, as far as the samples per thread allow;
     * blocks of samples are spread over the pool when there are at least as many blocks as threads,
     * otherwise sgemm parallelises internally.
     */
    static void forward(Conv.Plan p, float[] x, float[] w, float[] y) {
        Transform f = transformFor(p);
        forwardTransformed(p, f, x, transformWeights(p, f, w), y);
    }

    /** {@link #forward} with weights whose transforms are kept between calls. */
    static void forward(Conv.Plan p, float[] x, Conv.FrozenWeights w, float[] y) {
        Transform f = transformFor(p);
        forwardTransformed(p, f, x, w.winograd(f, () -> transformWeights(p, f, w.values())), y);
    }

    /** F(4,3) unless that leaves the GEMMs too narrow (small maps), then F(2,3). */
    static Transform transformFor(Conv.Plan p) {
        return columns(p, F4) >= MIN_F4_COLUMNS ? F4 : F2;
    }

    /**
     * GEMM width below which F(4,3) loses to F(2,3): on an 8x8 map F(4,3) has 4 tiles per sample, so even
     * a block of 8 samples gives 32-column GEMMs (measured batch 16, 256->256 8x8: forward F(4,3) 52 ms,
     * F(2,3) 29-46 ms; weight gradient 16.5 vs 12.2 ms; on 16x16 and larger F(4,3) was 1.1-1.4x faster).
     */
    private static final int MIN_F4_COLUMNS = 128;

    private static int columns(Conv.Plan p, Transform f) {
        int tiles = ((p.oh + f.m - 1) / f.m) * ((p.ow + f.m - 1) / f.m);
        return samplesPerBlock(p, tiles) * tiles;
    }

    /** The forward given the transformed weights u = {@link #transformWeights}. */
    private static void forwardTransformed(Conv.Plan p, Transform f, float[] x, float[] u, float[] y) {
        int tt = f.t * f.t;
        int tilesH = (p.oh + f.m - 1) / f.m, tilesW = (p.ow + f.m - 1) / f.m, tiles = tilesH * tilesW;
        int samples = samplesPerBlock(p, tiles);
        int blocks = (p.batch + samples - 1) / samples;
        int cols = samples * tiles, vLen = tt * p.cinG * cols, bufLen = vLen + tt * p.coutG * cols;
        Parallel.RangeBody body = (b0, b1) -> {
            float[] buf = new float[bufLen];
            for (int b = b0; b < b1; b++) {
                int n0 = b * samples, count = Math.min(samples, p.batch - n0), ld = count * tiles;
                for (int g = 0; g < p.groups; g++) {
                    transformInput(p, f, x, n0, count, g, buf, ld, tilesH, tilesW);
                    for (int xi = 0; xi < tt; xi++) {
                        Gemm.sgemm(false, false, p.coutG, ld, p.cinG, 1f, u, (xi * p.cout + g * p.coutG) * p.cinG, p.cinG,
                                buf, xi * p.cinG * ld, ld, 0f, buf, vLen + xi * p.coutG * ld, ld);
                    }
                    transformOutput(p, f, buf, vLen, ld, y, n0, count, g, tilesH, tilesW);
                }
            }
        };
        if (blocks >= Parallel.threads() && Parallel.threads() > 1) {
            Parallel.forRange(blocks, 1, body);
        } else {
            body.run(0, blocks);
        }
    }

    /**
     * dw = gradient of {@link #forward} w.r.t. w, F(4,3) or F(2,3) as for the forward; overwrites dw.
     * In the transformed domain it is t² GEMMs dU[ξ] = Σ over tiles dM[ξ] Vᵀ[ξ], where dM = A dY Aᵀ
     * transforms each output-gradient tile; then dw = Gᵀ dU G. Blocks of samples are spread over the pool, each chunk summing into its
     * own dU (t²·Cout·Cin/g floats per extra thread), added at the end.
     */
    static void backwardWeight(Conv.Plan p, float[] x, float[] dy, float[] dw) {
        backwardWeight(p, transformFor(p), x, dy, dw);
    }

    /** {@link #backwardWeight} with an explicit tile size. */
    static void backwardWeight(Conv.Plan p, Transform f, float[] x, float[] dy, float[] dw) {
        int tt = f.t * f.t;
        int tilesH = (p.oh + f.m - 1) / f.m, tilesW = (p.ow + f.m - 1) / f.m, tiles = tilesH * tilesW;
        int samples = samplesPerBlock(p, tiles);
        int blocks = (p.batch + samples - 1) / samples;
        int chunks = Math.min(blocks, Parallel.threads());
        int cols = samples * tiles, vLen = tt * p.cinG * cols, bufLen = vLen + tt * p.coutG * cols;
        int uLen = tt * p.cout * p.cinG;
        float[][] partial = new float[chunks][];
        Parallel.forRange(chunks, 1, (cs, ce) -> {
            for (int c = cs; c < ce; c++) {
                float[] du = new float[uLen];
                partial[c] = du;
                float[] buf = new float[bufLen];
                int b0 = (int) ((long) blocks * c / chunks), b1 = (int) ((long) blocks * (c + 1) / chunks);
                for (int b = b0; b < b1; b++) {
                    int n0 = b * samples, count = Math.min(samples, p.batch - n0), ld = count * tiles;
                    float beta = b == b0 ? 0f : 1f;
                    for (int g = 0; g < p.groups; g++) {
                        transformInput(p, f, x, n0, count, g, buf, ld, tilesH, tilesW);
                        transformOutputGrad(p, f, dy, n0, count, g, buf, vLen, ld, tilesH, tilesW);
                        for (int xi = 0; xi < tt; xi++) {
                            Gemm.sgemm(false, true, p.coutG, p.cinG, ld, 1f, buf, vLen + xi * p.coutG * ld, ld,
                                    buf, xi * p.cinG * ld, ld, beta, du, (xi * p.cout + g * p.coutG) * p.cinG, p.cinG);
                        }
                    }
                }
            }
        });
        float[] du = partial[0];
        for (int c = 1; c < chunks; c++) {
            float[] part = partial[c];
            for (int i = 0; i < uLen; i++) du[i] += part[i];
        }
        untransformWeights(p, f, du, dw);
    }

    /** Filters per chunk of the weight transforms: 9 + 3t rows of this many floats stay in L1/L2. */
    private static final int FILTER_CHUNK = 256;

    /**
     * U[ξ][co][ci] = (G g Gᵀ)[ξ] for every 3x3 filter g = w[co, ci]. Per chunk of filters the 9 taps are
     * first spread into 9 rows (one per tap, filters along the row), so both products become SIMD
     * linear combinations of rows: t x 3 rows of G·g, then the t² rows of (G g)·Gᵀ, written straight
     * into U's planes. The scalar version took 26% of the JFR samples of a 256->256 8x8 conv fwd+bwd;
     * this one moved that benchmark from 0.54x to 0.78x PyTorch.
     */
    static float[] transformWeights(Conv.Plan p, Transform f, float[] w) {
        int t = f.t, plane = p.cout * p.cinG;
        float[] u = new float[t * t * plane];
        int chunks = (plane + FILTER_CHUNK - 1) / FILTER_CHUNK;
        Parallel.forRange(chunks, 1, (s, e) -> {
            float[][] taps = new float[9][FILTER_CHUNK], gg = new float[t * 3][FILTER_CHUNK], src = new float[t][];
            for (int c = s; c < e; c++) {
                int p0 = c * FILTER_CHUNK, n = Math.min(FILTER_CHUNK, plane - p0);
                for (int k = 0; k < n; k++) for (int tap = 0; tap < 9; tap++) taps[tap][k] = w[(p0 + k) * 9 + tap];
                for (int i = 0; i < t; i++)
                    for (int b = 0; b < 3; b++) {
                        int[] nz = f.gCols[i];
                        for (int q = 0; q < nz.length; q++) src[q] = taps[nz[q] * 3 + b];
                        combineRows(gg[i * 3 + b], 0, n, f.gCoef[i], src, IDENTITY);
                    }
                for (int i = 0; i < t; i++)
                    for (int j = 0; j < t; j++) {
                        int[] nz = f.gCols[j];
                        for (int q = 0; q < nz.length; q++) src[q] = gg[i * 3 + nz[q]];
                        combineRows(u, (i * t + j) * plane + p0, n, f.gCoef[j], src, IDENTITY);
                    }
            }
        });
        return u;
    }

    /** dw[co][ci] = Gᵀ dU G (t x t to 3x3): the adjoint of {@link #transformWeights}, chunked the same way. */
    private static void untransformWeights(Conv.Plan p, Transform f, float[] du, float[] dw) {
        int t = f.t, plane = p.cout * p.cinG;
        int chunks = (plane + FILTER_CHUNK - 1) / FILTER_CHUNK;
        Parallel.forRange(chunks, 1, (s, e) -> {
            float[][] taps = new float[9][FILTER_CHUNK], gd = new float[3 * t][FILTER_CHUNK], src = new float[t][];
            int[] offs = new int[t];
            for (int c = s; c < e; c++) {
                int p0 = c * FILTER_CHUNK, n = Math.min(FILTER_CHUNK, plane - p0);
                for (int a = 0; a < 3; a++)
                    for (int j = 0; j < t; j++) {
                        int[] nz = f.gRows[a];
                        for (int q = 0; q < nz.length; q++) offs[q] = (nz[q] * t + j) * plane + p0;
                        combineOffsets(gd[a * t + j], 0, n, f.gRowCoef[a], du, offs);
                    }
                for (int a = 0; a < 3; a++)
                    for (int b = 0; b < 3; b++) {
                        int[] nz = f.gRows[b];
                        for (int q = 0; q < nz.length; q++) src[q] = gd[a * t + nz[q]];
                        combineRows(taps[a * 3 + b], 0, n, f.gRowCoef[b], src, IDENTITY);
                    }
                for (int k = 0; k < n; k++) for (int tap = 0; tap < 9; tap++) dw[(p0 + k) * 9 + tap] = taps[tap][k];
            }
        });
    }

    /**
     * v[ξ][ci][s·tiles + tile] = (Bᵀ d B)[ξ] for the t x t input patch d of each tile of samples
     * n0 .. n0+count (zero outside the image); ld = count·tiles is the row length of v. Two passes per
     * channel: the vertical one combines t zero-padded image rows into the t rows of Bᵀ·d for a row of
     * tiles and files column m·tile + l of row i under cols[i·t + l] (tile order, all samples); the
     * horizontal one then combines those in loops over all ld tiles of the block, long enough for the
     * JIT to vectorise. Only the nonzeros of Bᵀ are visited.
     */
    private static void transformInput(Conv.Plan p, Transform f, float[] x, int n0, int count, int g, float[] v, int ld,
                                       int tilesH, int tilesW) {
        int t = f.t, m = f.m, stride = p.cinG * ld, width = m * tilesW + 2, tiles = tilesH * tilesW;
        int lo = Math.min(width, p.pw), hi = Math.min(width, p.pw + p.iw);
        float[][] rows = new float[t][width], vert = new float[t][width], cols = new float[t * t][ld], srcRows = new float[t][];
        for (int ci = 0; ci < p.cinG; ci++) {
            for (int s = 0; s < count; s++) {
                int base = ((n0 + s) * p.cin + g * p.cinG + ci) * p.inSp;
                for (int ty = 0; ty < tilesH; ty++) {
                    int r0 = m * ty - p.ph;
                    for (int k = 0; k < t; k++) {
                        float[] row = rows[k];
                        int yy = r0 + k;
                        if (yy < 0 || yy >= p.ih) {
                            Arrays.fill(row, 0f);
                            continue;
                        }
                        Arrays.fill(row, 0, lo, 0f);
                        System.arraycopy(x, base + yy * p.iw + lo - p.pw, row, lo, hi - lo);
                        Arrays.fill(row, hi, width, 0f);
                    }
                    for (int i = 0; i < t; i++) combineRows(vert[i], 0, width, f.btCoef[i], rows, f.btCols[i]);
                    int u0 = s * tiles + ty * tilesW;
                    for (int i = 0; i < t; i++) {
                        float[] in = vert[i];
                        for (int l = 0; l < t; l++) {
                            float[] dst = cols[i * t + l];
                            for (int tx = 0; tx < tilesW; tx++) dst[u0 + tx] = in[m * tx + l];
                        }
                    }
                }
            }
            for (int i = 0; i < t; i++) {
                for (int j = 0; j < t; j++) {
                    int[] nz = f.btCols[j];
                    for (int q = 0; q < nz.length; q++) srcRows[q] = cols[i * t + nz[q]];
                    combineRows(v, (i * t + j) * stride + ci * ld, ld, f.btCoef[j], srcRows, IDENTITY);
                }
            }
        }
    }

    /**
     * y tiles of samples n0 .. n0+count = Aᵀ M A, per output channel over all ld tiles of the block at
     * once: the first pass combines the t rows of M, the second the t columns, both in loops over the
     * block's tiles; the m x m results are then scattered into the image, cropped at its edges.
     */
    private static void transformOutput(Conv.Plan p, Transform f, float[] mb, int mOff, int ld, float[] y,
                                        int n0, int count, int g, int tilesH, int tilesW) {
        int t = f.t, m = f.m, stride = p.coutG * ld, tiles = tilesH * tilesW;
        float[][] part = new float[t][ld];
        float[] out = new float[ld];
        int[] offs = new int[t];
        for (int co = 0; co < p.coutG; co++) {
            int src = mOff + co * ld;
            for (int i = 0; i < m; i++) {
                int[] nzi = f.atCols[i];
                for (int l = 0; l < t; l++) {
                    for (int q = 0; q < nzi.length; q++) offs[q] = (nzi[q] * t + l) * stride + src;
                    combineOffsets(part[l], 0, ld, f.atCoef[i], mb, offs);
                }
                for (int j = 0; j < m; j++) {
                    combineRows(out, 0, ld, f.atCoef[j], part, f.atCols[j]);
                    for (int s = 0; s < count; s++) {
                        int yBase = ((n0 + s) * p.cout + g * p.coutG + co) * p.outSp;
                        for (int ty = 0; ty < tilesH; ty++) {
                            int oy = m * ty + i;
                            if (oy >= p.oh) break;
                            int row = yBase + oy * p.ow, u0 = s * tiles + ty * tilesW;
                            for (int tx = 0, ox = j; tx < tilesW && ox < p.ow; tx++, ox += m) y[row + ox] = out[u0 + tx];
                        }
                    }
                }
            }
        }
    }

    /**
     * mb[ξ][co][s·tiles + tile] = (A d Aᵀ)[ξ] for each m x m output-gradient tile d of samples
     * n0 .. n0+count (zero past the bottom/right edge): the adjoint of {@link #transformOutput}. Same
     * two-pass scheme as {@link #transformInput}: per row of tiles the vertical pass, filed by tile,
     * then the horizontal pass over all ld tiles of the block.
     */
    private static void transformOutputGrad(Conv.Plan p, Transform f, float[] dy, int n0, int count, int g, float[] mb,
                                            int mOff, int ld, int tilesH, int tilesW) {
        int t = f.t, m = f.m, stride = p.coutG * ld, width = m * tilesW, tiles = tilesH * tilesW;
        float[][] rows = new float[m][width], vert = new float[t][width], cols = new float[t * m][ld], srcRows = new float[t][];
        for (int co = 0; co < p.coutG; co++) {
            for (int s = 0; s < count; s++) {
                int base = ((n0 + s) * p.cout + g * p.coutG + co) * p.outSp;
                for (int ty = 0; ty < tilesH; ty++) {
                    for (int i = 0; i < m; i++) {
                        int oy = m * ty + i;
                        if (oy < p.oh) {
                            System.arraycopy(dy, base + oy * p.ow, rows[i], 0, p.ow);
                            Arrays.fill(rows[i], p.ow, width, 0f);
                        } else {
                            Arrays.fill(rows[i], 0f);
                        }
                    }
                    // vertical: vert[k] = Σ_i Aᵀ[i][k] · row i
                    for (int k = 0; k < t; k++) combineRows(vert[k], 0, width, f.atRowCoef[k], rows, f.atRows[k]);
                    int u0 = s * tiles + ty * tilesW;
                    for (int k = 0; k < t; k++) {
                        float[] in = vert[k];
                        for (int j = 0; j < m; j++) {
                            float[] dst = cols[k * m + j];
                            for (int tx = 0; tx < tilesW; tx++) dst[u0 + tx] = in[m * tx + j];
                        }
                    }
                }
            }
            // horizontal: dM[k][l] = Σ_j vert[k][m·tile + j] · Aᵀ[j][l]
            int o = mOff + co * ld;
            for (int k = 0; k < t; k++) {
                for (int l = 0; l < t; l++) {
                    int[] nz = f.atRows[l];
                    for (int q = 0; q < nz.length; q++) srcRows[q] = cols[k * m + nz[q]];
                    combineRows(mb, (k * t + l) * stride + o, ld, f.atRowCoef[l], srcRows, IDENTITY);
                }
            }
        }
    }

    private static final int[] IDENTITY = {0, 1, 2, 3, 4, 5, 6, 7};
    private static final VectorSpecies<Float> S = VectorWidth.SPECIES;

    /**
     * dst[dOff + u] = Σ_q coef[q] · src[idx[q]][u] for u < n: one transform row over a run of tiles,
     * every term accumulated in registers and dst written once (the plain loops read and wrote dst once
     * per term; input and output transforms took 28% of the JFR samples of `bench tokenizer`).
     */
    static void combineRows(float[] dst, int dOff, int n, float[] coef, float[][] src, int[] idx) {
        int terms = coef.length, u = 0;
        if (VectorWidth.BITS > 0) {
            for (int bound = S.loopBound(n); u < bound; u += S.length()) {
                FloatVector acc = FloatVector.fromArray(S, src[idx[0]], u).mul(coef[0]);
                for (int q = 1; q < terms; q++) acc = FloatVector.fromArray(S, src[idx[q]], u).fma(FloatVector.broadcast(S, coef[q]), acc);
                acc.intoArray(dst, dOff + u);
            }
        }
        for (; u < n; u++) {
            float acc = coef[0] * src[idx[0]][u];
            for (int q = 1; q < terms; q++) acc = Math.fma(src[idx[q]][u], coef[q], acc);
            dst[dOff + u] = acc;
        }
    }

    /** dst[dOff + u] = Σ_q coef[q] · src[offs[q] + u] for u < n: {@link #combineRows} over runs of one array. */
    static void combineOffsets(float[] dst, int dOff, int n, float[] coef, float[] src, int[] offs) {
        int terms = coef.length, u = 0;
        if (VectorWidth.BITS > 0) {
            for (int bound = S.loopBound(n); u < bound; u += S.length()) {
                FloatVector acc = FloatVector.fromArray(S, src, offs[0] + u).mul(coef[0]);
                for (int q = 1; q < terms; q++) acc = FloatVector.fromArray(S, src, offs[q] + u).fma(FloatVector.broadcast(S, coef[q]), acc);
                acc.intoArray(dst, dOff + u);
            }
        }
        for (; u < n; u++) {
            float acc = coef[0] * src[offs[0] + u];
            for (int q = 1; q < terms; q++) acc = Math.fma(src[offs[q] + u], coef[q], acc);
            dst[dOff + u] = acc;
        }
    }
}
