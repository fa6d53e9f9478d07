package ai.emu4j.core.kernels;

import java.util.Arrays;

/**
 * Resampling of independent planes (a tensor (N, C, *size) viewed as N·C planes), matching
 * torch.nn.functional.interpolate in PyTorch 1.13 on CPU: 'nearest' (the legacy floor rule, 1-3
 * dims), 'bilinear' and 'bicubic' (2-d, align_corners true or false, A = -0.75). Sizes are given
 * explicitly (the scale_factor form of the PyTorch call is not modelled). Arithmetic is float, as
 * PyTorch does it for float32 tensors, so that the source indices round the same way.
 *
 * <p>Forward methods overwrite y; backward methods overwrite dx. Per-dim index and weight tables
 * are computed once per call (O(out) memory) so the inner loops are gathers; planes run on the pool.
 */
public final class Interpolate {
    private Interpolate() {}

    private static final float CUBIC_A = -0.75f;
    /** Planes per task: a few small planes are not worth a fork. */
    private static final int MIN_ELEMS_PER_TASK = 1 << 15;

    // ---- nearest ----

    /** Nearest source index, PyTorch's nearest_idx: floor(dst * (float) in/out), clamped, with its exact-ratio shortcuts. */
    static int nearestIndex(int dst, int in, int out) {
        if (out == in) return dst;
        if (out == 2 * in) return dst >> 1;
        float scale = (float) in / out;
        return Math.min((int) Math.floor(dst * scale), in - 1);
    }

    private static int[] nearestTable(int in, int out) {
        int[] t = new int[out];
        for (int i = 0; i < out; i++) t[i] = nearestIndex(i, in, out);
        return t;
    }

    /** y (planes, *outSize) = nearest(x (planes, *inSize)), 1 to 3 spatial dims. */
    public static void nearest(int planes, int[] inSize, int[] outSize, float[] x, float[] y) {
        Nearest n = new Nearest(planes, inSize, outSize, x.length, y.length);
        Parallel.forRange(planes, minPlanes(n.outSp), (s, e) -> {
            for (int pl = s; pl < e; pl++) {
                int xb = pl * n.inSp, yb = pl * n.outSp, o = yb;
                for (int z = 0; z < n.od; z++)
                    for (int yy = 0; yy < n.oh; yy++) {
                        int row = xb + (n.td[z] * n.ih + n.th[yy]) * n.iw;
                        for (int xx = 0; xx < n.ow; xx++) y[o++] = x[row + n.tw[xx]];
                    }
            }
        });
    }

    /** dx = gradient of {@link #nearest}: each dy element is added to the source it copied. Overwrites dx. */
    public static void nearestBackward(int planes, int[] inSize, int[] outSize, float[] dy, float[] dx) {
        Nearest n = new Nearest(planes, inSize, outSize, dx.length, dy.length);
        Parallel.forRange(planes, minPlanes(n.outSp), (s, e) -> {
            for (int pl = s; pl < e; pl++) {
                int xb = pl * n.inSp, o = pl * n.outSp;
                Arrays.fill(dx, xb, xb + n.inSp, 0f);
                for (int z = 0; z < n.od; z++)
                    for (int yy = 0; yy < n.oh; yy++) {
                        int row = xb + (n.td[z] * n.ih + n.th[yy]) * n.iw;
                        for (int xx = 0; xx < n.ow; xx++) dx[row + n.tw[xx]] += dy[o++];
                    }
            }
        });
    }

    /** Nearest tables on sizes normalised to 3 dims. */
    private static final class Nearest {
        final int id, ih, iw, od, oh, ow, inSp, outSp;
        final int[] td, th, tw;

        Nearest(int planes, int[] in, int[] out, int xLen, int yLen) {
            if (in.length != out.length || in.length < 1 || in.length > 3)
                throw new IllegalArgumentException("nearest needs 1 to 3 dims with matching in/out sizes");
            int[] i3 = {1, 1, 1}, o3 = {1, 1, 1};
            System.arraycopy(in, 0, i3, 3 - in.length, in.length);
            System.arraycopy(out, 0, o3, 3 - out.length, out.length);
            id = i3[0]; ih = i3[1]; iw = i3[2];
            od = o3[0]; oh = o3[1]; ow = o3[2];
            for (int v : i3) if (v < 1) throw new IllegalArgumentException("sizes must be positive");
            for (int v : o3) if (v < 1) throw new IllegalArgumentException("sizes must be positive");
            inSp = id * ih * iw;
            outSp = od * oh * ow;
            checkPlanes(planes, inSp, outSp, xLen, yLen);
            td = nearestTable(id, od);
            th = nearestTable(ih, oh);
            tw = nearestTable(iw, ow);
        }
    }

    // ---- bilinear ----

    /** PyTorch area_pixel_compute_scale with no scale_factor given. */
    static float scale(int in, int out, boolean alignCorners) {
        if (alignCorners) return out > 1 ? (float) (in - 1) / (out - 1) : 0f;
        return (float) in / out;
    }

    /** PyTorch area_pixel_compute_source_index; the linear (non-cubic) mode clamps negatives to 0. */
    static float sourceIndex(float scale, int dst, boolean alignCorners, boolean cubic) {
        if (alignCorners) return scale * dst;
        float src = scale * (dst + 0.5f) - 0.5f;
        return !cubic && src < 0 ? 0f : src;
    }

    /** Per output index: two source indices and their weights (i1 == i0 at the last row). */
    private static final class Linear {
        final int[] i0, i1;
        final float[] l0, l1;

        Linear(int in, int out, boolean alignCorners) {
            i0 = new int[out];
            i1 = new int[out];
            l0 = new float[out];
            l1 = new float[out];
            float scale = scale(in, out, alignCorners);
            for (int o = 0; o < out; o++) {
                if (in == out) {
                    i0[o] = o;
                    i1[o] = o;
                    l0[o] = 1f;
                    continue;
                }
                float src = sourceIndex(scale, o, alignCorners, false);
                int a = (int) src;
                i0[o] = a;
                i1[o] = a + (a < in - 1 ? 1 : 0);
                float lam = Math.min(Math.max(src - a, 0f), 1f);
                l1[o] = lam;
                l0[o] = 1f - lam;
            }
        }
    }

    /** y (planes, outH, outW) = bilinear(x (planes, inH, inW)). */
    public static void bilinear(int planes, int inH, int inW, int outH, int outW, boolean alignCorners, float[] x, float[] y) {
        checkPlanes(planes, inH, inW, outH, outW, x.length, y.length);
        Linear h = new Linear(inH, outH, alignCorners), w = new Linear(inW, outW, alignCorners);
        int inSp = inH * inW, outSp = outH * outW;
        Parallel.forRange(planes, minPlanes(outSp), (s, e) -> {
            for (int pl = s; pl < e; pl++) {
                int xb = pl * inSp, o = pl * outSp;
                for (int r = 0; r < outH; r++) {
                    int r0 = xb + h.i0[r] * inW, r1 = xb + h.i1[r] * inW;
                    float a0 = h.l0[r], a1 = h.l1[r];
                    for (int c = 0; c < outW; c++) {
                        int c0 = w.i0[c], c1 = w.i1[c];
                        float b0 = w.l0[c], b1 = w.l1[c];
                        y[o++] = a0 * (b0 * x[r0 + c0] + b1 * x[r0 + c1]) + a1 * (b0 * x[r1 + c0] + b1 * x[r1 + c1]);
                    }
                }
            }
        });
    }

    /** dx = gradient of {@link #bilinear} for upstream dy. Overwrites dx. */
    public static void bilinearBackward(int planes, int inH, int inW, int outH, int outW, boolean alignCorners, float[] dy, float[] dx) {
        checkPlanes(planes, inH, inW, outH, outW, dx.length, dy.length);
        Linear h = new Linear(inH, outH, alignCorners), w = new Linear(inW, outW, alignCorners);
        int inSp = inH * inW, outSp = outH * outW;
        Parallel.forRange(planes, minPlanes(outSp), (s, e) -> {
            for (int pl = s; pl < e; pl++) {
                int xb = pl * inSp, o = pl * outSp;
                Arrays.fill(dx, xb, xb + inSp, 0f);
                for (int r = 0; r < outH; r++) {
                    int r0 = xb + h.i0[r] * inW, r1 = xb + h.i1[r] * inW;
                    float a0 = h.l0[r], a1 = h.l1[r];
                    for (int c = 0; c < outW; c++) {
                        float g = dy[o++];
                        int c0 = w.i0[c], c1 = w.i1[c];
                        float b0 = w.l0[c], b1 = w.l1[c];
                        dx[r0 + c0] += a0 * b0 * g;
                        dx[r0 + c1] += a0 * b1 * g;
                        dx[r1 + c0] += a1 * b0 * g;
                        dx[r1 + c1] += a1 * b1 * g;
                    }
                }
            }
        });
    }

    // ---- bicubic ----

    static float cubic1(float x) {
        return ((CUBIC_A + 2) * x - (CUBIC_A + 3)) * x * x + 1;
    }

    static float cubic2(float x) {
        return ((CUBIC_A * x - 5 * CUBIC_A) * x + 8 * CUBIC_A) * x - 4 * CUBIC_A;
    }

    /** Per output index: four clamped source indices (floor(src) - 1 .. + 2) and Keys weights. */
    private static final class Cubic {
        final int[] idx;
        final float[] wt;

        Cubic(int in, int out, boolean alignCorners) {
            idx = new int[4 * out];
            wt = new float[4 * out];
            float scale = scale(in, out, alignCorners);
            for (int o = 0; o < out; o++) {
                float src = sourceIndex(scale, o, alignCorners, true);
                int base = (int) Math.floor(src);
                float t = src - base;
                wt[4 * o] = cubic2(t + 1f);
                wt[4 * o + 1] = cubic1(t);
                wt[4 * o + 2] = cubic1(1f - t);
                wt[4 * o + 3] = cubic2(2f - t);
                for (int j = 0; j < 4; j++) idx[4 * o + j] = Math.max(Math.min(base - 1 + j, in - 1), 0);
            }
        }
    }

    /** y (planes, outH, outW) = bicubic(x (planes, inH, inW)); taps outside the image reuse the edge. */
    public static void bicubic(int planes, int inH, int inW, int outH, int outW, boolean alignCorners, float[] x, float[] y) {
        checkPlanes(planes, inH, inW, outH, outW, x.length, y.length);
        Cubic h = new Cubic(inH, outH, alignCorners), w = new Cubic(inW, outW, alignCorners);
        int inSp = inH * inW, outSp = outH * outW;
        Parallel.forRange(planes, minPlanes(outSp), (s, e) -> {
            for (int pl = s; pl < e; pl++) {
                int xb = pl * inSp, o = pl * outSp;
                for (int r = 0; r < outH; r++) {
                    for (int c = 0; c < outW; c++) {
                        float acc = 0f;
                        for (int i = 0; i < 4; i++) {
                            int row = xb + h.idx[4 * r + i] * inW;
                            float rowAcc = 0f;
                            for (int j = 0; j < 4; j++) rowAcc += w.wt[4 * c + j] * x[row + w.idx[4 * c + j]];
                            acc += h.wt[4 * r + i] * rowAcc;
                        }
                        y[o++] = acc;
                    }
                }
            }
        });
    }

    /** dx = gradient of {@link #bicubic}; clamped taps pile their gradient onto the edge. Overwrites dx. */
    public static void bicubicBackward(int planes, int inH, int inW, int outH, int outW, boolean alignCorners, float[] dy, float[] dx) {
        checkPlanes(planes, inH, inW, outH, outW, dx.length, dy.length);
        Cubic h = new Cubic(inH, outH, alignCorners), w = new Cubic(inW, outW, alignCorners);
        int inSp = inH * inW, outSp = outH * outW;
        Parallel.forRange(planes, minPlanes(outSp), (s, e) -> {
            for (int pl = s; pl < e; pl++) {
                int xb = pl * inSp, o = pl * outSp;
                Arrays.fill(dx, xb, xb + inSp, 0f);
                for (int r = 0; r < outH; r++) {
                    for (int c = 0; c < outW; c++) {
                        float g = dy[o++];
                        for (int i = 0; i < 4; i++) {
                            int row = xb + h.idx[4 * r + i] * inW;
                            float gi = g * h.wt[4 * r + i];
                            for (int j = 0; j < 4; j++) dx[row + w.idx[4 * c + j]] += gi * w.wt[4 * c + j];
                        }
                    }
                }
            }
        });
    }

    private static int minPlanes(int planeSize) {
        return Math.max(1, MIN_ELEMS_PER_TASK / Math.max(1, planeSize));
    }

    private static void checkPlanes(int planes, int inH, int inW, int outH, int outW, int xLen, int yLen) {
        if (inH < 1 || inW < 1 || outH < 1 || outW < 1)
            throw new IllegalArgumentException("sizes must be positive: in " + inH + "x" + inW + ", out " + outH + "x" + outW);
        checkPlanes(planes, inH * inW, outH * outW, xLen, yLen);
    }

    private static void checkPlanes(int planes, int inSp, int outSp, int xLen, int yLen) {
        if (planes < 1) throw new IllegalArgumentException("planes must be positive, got " + planes);
        if ((long) planes * inSp > xLen) throw new IllegalArgumentException("input buffer has " + xLen + " elements, needs " + (long) planes * inSp);
        if ((long) planes * outSp > yLen) throw new IllegalArgumentException("output buffer has " + yLen + " elements, needs " + (long) planes * outSp);
    }
}
