package ai.emu4j.core.kernels;

/**
 * Winograd F(2x2, 3x3) for 2-d 3x3 stride-1 undilated convs (Lavin and Gray, 2015): each 2x2 output tile
 * comes from a 4x4 input tile with 16 multiplies per (Cout, Cin) pair instead of 36, so the GEMM work is
 * 2.25x smaller than im2col's. Per (block of samples, group): the input tiles are transformed (V = Bᵀ d B) into 16
 * matrices Cin/g × (samples·tiles), multiplied by the 16 transformed weight matrices U = G g Gᵀ (Cout/g × Cin/g)
 * with {@link Gemm#sgemm}, and transformed back (Y = Aᵀ M A). The transforms are O(channels · pixels)
 * adds against the GEMM's O(Cout · Cin · pixels) multiply-adds. Rounding stays within a few ulps of
 * the direct sum because F(2,3)'s transform coefficients are 0, ±1 and ±1/2.
 */
final class Winograd {
    private Winograd() {}

    /** Tile columns per GEMM that small maps are batched up to: N below ~256 leaves the micro-kernel starved. */
    private static final int TARGET_COLUMNS = 512;

    /**
     * y = conv(x, w) for a plan with {@link Conv.Plan#winograd()} true; overwrites y (no bias). Small maps
     * put several samples side by side in the tile dimension (an 8x8 map has only 16 tiles), so every
     * GEMM has about {@value #TARGET_COLUMNS} columns; blocks of samples are spread over the pool when
     * there are at least as many blocks as threads, otherwise sgemm parallelises internally.
     */
    static void forward(Conv.Plan p, float[] x, float[] w, float[] y) {
        int tilesH = (p.oh + 1) / 2, tilesW = (p.ow + 1) / 2, tiles = tilesH * tilesW;
        int threads = Parallel.threads();
        int perThread = (p.batch + threads - 1) / threads;
        int samples = Math.max(1, Math.min(perThread, (TARGET_COLUMNS + tiles - 1) / tiles));
        int blocks = (p.batch + samples - 1) / samples;
        float[] u = transformWeights(p, w);
        int cols = samples * tiles, vLen = 16 * p.cinG * cols, bufLen = vLen + 16 * p.coutG * cols;
        Parallel.RangeBody body = (b0, b1) -> {
            float[] buf = new float[bufLen];
            for (int b = b0; b < b1; b++) {
                int n0 = b * samples, count = Math.min(samples, p.batch - n0), ld = count * tiles;
                for (int g = 0; g < p.groups; g++) {
                    for (int s = 0; s < count; s++)
                        transformInput(p, x, ((n0 + s) * p.cin + g * p.cinG) * p.inSp, buf, s * tiles, ld, tilesH, tilesW);
                    for (int xi = 0; xi < 16; xi++) {
                        Gemm.sgemm(false, false, p.coutG, ld, p.cinG, 1f, u, (xi * p.cout + g * p.coutG) * p.cinG, p.cinG,
                                buf, xi * p.cinG * ld, ld, 0f, buf, vLen + xi * p.coutG * ld, ld);
                    }
                    for (int s = 0; s < count; s++)
                        transformOutput(p, buf, vLen + s * tiles, ld, y, ((n0 + s) * p.cout + g * p.coutG) * p.outSp, tilesH, tilesW);
                }
            }
        };
        if (blocks >= threads && threads > 1) {
            Parallel.forRange(blocks, 1, body);
        } else {
            body.run(0, blocks);
        }
    }

    /**
     * dw = gradient of {@link #forward} w.r.t. w; overwrites dw. In the transformed domain it is 16 GEMMs
     * dU[ξ] = Σ over tiles dM[ξ] Vᵀ[ξ], where dM = A dY Aᵀ transforms each 2x2 output-gradient tile;
     * then dw = Gᵀ dU G. Same 2.25x saving as the forward. Blocks of samples are spread over the pool,
     * each chunk summing into its own dU (16·Cout·Cin/g floats per extra thread), added at the end.
     */
    static void backwardWeight(Conv.Plan p, float[] x, float[] dy, float[] dw) {
        int tilesH = (p.oh + 1) / 2, tilesW = (p.ow + 1) / 2, tiles = tilesH * tilesW;
        int threads = Parallel.threads();
        int perThread = (p.batch + threads - 1) / threads;
        int samples = Math.max(1, Math.min(perThread, (TARGET_COLUMNS + tiles - 1) / tiles));
        int blocks = (p.batch + samples - 1) / samples;
        int chunks = Math.min(blocks, threads);
        int cols = samples * tiles, vLen = 16 * p.cinG * cols, bufLen = vLen + 16 * p.coutG * cols;
        int uLen = 16 * p.cout * p.cinG;
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
                        for (int s = 0; s < count; s++) {
                            transformInput(p, x, ((n0 + s) * p.cin + g * p.cinG) * p.inSp, buf, s * tiles, ld, tilesH, tilesW);
                            transformOutputGrad(p, dy, ((n0 + s) * p.cout + g * p.coutG) * p.outSp, buf, vLen + s * tiles, ld, tilesH, tilesW);
                        }
                        for (int xi = 0; xi < 16; xi++) {
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
        untransformWeights(p, du, dw);
    }

    /** dw[co][ci] = Gᵀ dU G (4x4 to 3x3) with Gᵀ = [1 ½ ½ 0; 0 ½ -½ 0; 0 ½ ½ 1]. */
    private static void untransformWeights(Conv.Plan p, float[] du, float[] dw) {
        int plane = p.cout * p.cinG;
        Parallel.forRange(p.cout, 8, (s, e) -> {
            float[] t = new float[12];
            for (int co = s; co < e; co++)
                for (int ci = 0; ci < p.cinG; ci++) {
                    int src = co * p.cinG + ci;
                    for (int c = 0; c < 4; c++) {
                        float a0 = du[c * plane + src], a1 = du[(4 + c) * plane + src];
                        float a2 = du[(8 + c) * plane + src], a3 = du[(12 + c) * plane + src];
                        t[c] = a0 + 0.5f * (a1 + a2);
                        t[4 + c] = 0.5f * (a1 - a2);
                        t[8 + c] = 0.5f * (a1 + a2) + a3;
                    }
                    int dst = src * 9;
                    for (int r = 0; r < 3; r++) {
                        float a0 = t[4 * r], a1 = t[4 * r + 1], a2 = t[4 * r + 2], a3 = t[4 * r + 3];
                        dw[dst + 3 * r] = a0 + 0.5f * (a1 + a2);
                        dw[dst + 3 * r + 1] = 0.5f * (a1 - a2);
                        dw[dst + 3 * r + 2] = 0.5f * (a1 + a2) + a3;
                    }
                }
        });
    }

    /**
     * m[ξ][co][col + tile] = (A d Aᵀ)[ξ] for each 2x2 output-gradient tile d (zero past the bottom/right
     * edge), A = [1 0; 1 1; 1 -1; 0 -1]: the adjoint of {@link #transformOutput}.
     */
    private static void transformOutputGrad(Conv.Plan p, float[] dy, int yOff, float[] m, int col, int ld, int tilesH, int tilesW) {
        int stride = p.coutG * ld;
        for (int co = 0; co < p.coutG; co++) {
            int base = yOff + co * p.outSp;
            for (int ty = 0; ty < tilesH; ty++) {
                int oy = 2 * ty;
                boolean row1 = oy + 1 < p.oh;
                for (int tx = 0; tx < tilesW; tx++) {
                    int ox = 2 * tx, src = base + oy * p.ow + ox;
                    boolean col1 = ox + 1 < p.ow;
                    float d00 = dy[src], d01 = col1 ? dy[src + 1] : 0f;
                    float d10 = row1 ? dy[src + p.ow] : 0f, d11 = row1 && col1 ? dy[src + p.ow + 1] : 0f;
                    float[] r0 = {d00, d00 + d01, d00 - d01, -d01};
                    float[] r1 = {d10, d10 + d11, d10 - d11, -d11};
                    int o = co * ld + col + ty * tilesW + tx;
                    for (int j = 0; j < 4; j++) {
                        m[j * stride + o] = r0[j];
                        m[(4 + j) * stride + o] = r0[j] + r1[j];
                        m[(8 + j) * stride + o] = r0[j] - r1[j];
                        m[(12 + j) * stride + o] = -r1[j];
                    }
                }
            }
        }
    }

    /** U[ξ][co][ci] = (G g Gᵀ)[ξ] for every filter g = w[co, ci] (3x3); G = [1 0 0; ½ ½ ½; ½ -½ ½; 0 0 1]. */
    private static float[] transformWeights(Conv.Plan p, float[] w) {
        float[] u = new float[16 * p.cout * p.cinG];
        int plane = p.cout * p.cinG;
        Parallel.forRange(p.cout, 8, (s, e) -> {
            float[] t = new float[12];
            for (int co = s; co < e; co++)
                for (int ci = 0; ci < p.cinG; ci++) {
                    int src = (co * p.cinG + ci) * 9;
                    for (int c = 0; c < 3; c++) {
                        float g0 = w[src + c], g1 = w[src + 3 + c], g2 = w[src + 6 + c];
                        t[c] = g0;
                        t[3 + c] = 0.5f * (g0 + g1 + g2);
                        t[6 + c] = 0.5f * (g0 - g1 + g2);
                        t[9 + c] = g2;
                    }
                    int dst = co * p.cinG + ci;
                    for (int r = 0; r < 4; r++) {
                        float a = t[3 * r], b = t[3 * r + 1], c = t[3 * r + 2];
                        u[(4 * r) * plane + dst] = a;
                        u[(4 * r + 1) * plane + dst] = 0.5f * (a + b + c);
                        u[(4 * r + 2) * plane + dst] = 0.5f * (a - b + c);
                        u[(4 * r + 3) * plane + dst] = c;
                    }
                }
        });
        return u;
    }

    /**
     * v[ξ][ci][col + tile] = (Bᵀ d B)[ξ] for the 4x4 input patch d of each tile (zero outside the image);
     * ld is the row length of v (all samples of the block).
     */
    private static void transformInput(Conv.Plan p, float[] x, int xOff, float[] v, int col, int ld, int tilesH, int tilesW) {
        int stride = p.cinG * ld;
        float[] d = new float[16];
        for (int ci = 0; ci < p.cinG; ci++) {
            int base = xOff + ci * p.inSp;
            for (int ty = 0; ty < tilesH; ty++) {
                int r0 = 2 * ty - p.ph;
                for (int tx = 0; tx < tilesW; tx++) {
                    int c0 = 2 * tx - p.pw;
                    if (r0 >= 0 && r0 + 4 <= p.ih && c0 >= 0 && c0 + 4 <= p.iw) {
                        for (int r = 0; r < 4; r++) {
                            int src = base + (r0 + r) * p.iw + c0;
                            d[4 * r] = x[src];
                            d[4 * r + 1] = x[src + 1];
                            d[4 * r + 2] = x[src + 2];
                            d[4 * r + 3] = x[src + 3];
                        }
                    } else {
                        for (int r = 0; r < 4; r++) {
                            int yy = r0 + r;
                            boolean rowIn = yy >= 0 && yy < p.ih;
                            for (int c = 0; c < 4; c++) {
                                int xx = c0 + c;
                                d[4 * r + c] = rowIn && xx >= 0 && xx < p.iw ? x[base + yy * p.iw + xx] : 0f;
                            }
                        }
                    }
                    // Bᵀ = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1], applied to columns then rows.
                    int o = ci * ld + col + ty * tilesW + tx;
                    for (int c = 0; c < 4; c++) {
                        float a0 = d[c], a1 = d[4 + c], a2 = d[8 + c], a3 = d[12 + c];
                        d[c] = a0 - a2;
                        d[4 + c] = a1 + a2;
                        d[8 + c] = a2 - a1;
                        d[12 + c] = a1 - a3;
                    }
                    for (int r = 0; r < 4; r++) {
                        float a0 = d[4 * r], a1 = d[4 * r + 1], a2 = d[4 * r + 2], a3 = d[4 * r + 3];
                        v[(4 * r) * stride + o] = a0 - a2;
                        v[(4 * r + 1) * stride + o] = a1 + a2;
                        v[(4 * r + 2) * stride + o] = a2 - a1;
                        v[(4 * r + 3) * stride + o] = a1 - a3;
                    }
                }
            }
        }
    }

    /** y tile = Aᵀ M A with Aᵀ = [1 1 1 0; 0 1 -1 -1]; tiles hanging over the bottom/right edge are cropped. */
    private static void transformOutput(Conv.Plan p, float[] m, int mOff, int ld, float[] y, int yOff, int tilesH, int tilesW) {
        int stride = p.coutG * ld;
        float[] t = new float[8];
        for (int co = 0; co < p.coutG; co++) {
            int base = yOff + co * p.outSp;
            for (int ty = 0; ty < tilesH; ty++) {
                for (int tx = 0; tx < tilesW; tx++) {
                    int o = mOff + co * ld + ty * tilesW + tx;
                    for (int c = 0; c < 4; c++) {
                        float a0 = m[o + c * stride], a1 = m[o + (4 + c) * stride];
                        float a2 = m[o + (8 + c) * stride], a3 = m[o + (12 + c) * stride];
                        t[c] = a0 + a1 + a2;
                        t[4 + c] = a1 - a2 - a3;
                    }
                    int oy = 2 * ty, ox = 2 * tx;
                    for (int r = 0; r < 2 && oy + r < p.oh; r++) {
                        float a0 = t[4 * r], a1 = t[4 * r + 1], a2 = t[4 * r + 2], a3 = t[4 * r + 3];
                        int dst = base + (oy + r) * p.ow + ox;
                        y[dst] = a0 + a1 + a2;
                        if (ox + 1 < p.ow) y[dst + 1] = a1 - a2 - a3;
                    }
                }
            }
        }
    }
}
