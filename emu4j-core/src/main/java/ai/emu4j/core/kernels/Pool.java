package ai.emu4j.core.kernels;

import java.util.Arrays;

/**
 * Average and max pooling over independent planes (a tensor (N, C, *size) seen as N·C planes) in 1 to
 * 3 spatial dims, matching torch.nn.functional.avg_pool{1,2,3}d / max_pool{1,2,3}d with
 * ceil_mode=False and dilation 1. Forward methods overwrite y; backward methods overwrite dx.
 * Planes are spread over the compute pool; each plane is a direct loop over windows.
 */
public final class Pool {
    private Pool() {}

    private static final int MIN_ELEMS_PER_TASK = 1 << 15;

    /**
     * Pooling shape; arrays have one entry per spatial dim and are copied. As in PyTorch, padding may be
     * at most half the kernel, and the output size is floor((in + 2·pad - k) / stride) + 1.
     */
    public record Geometry(int planes, int[] inSize, int[] kernel, int[] stride, int[] padding) {
        public Geometry {
            if (inSize == null || kernel == null || stride == null || padding == null)
                throw new IllegalArgumentException("null size array");
            inSize = inSize.clone();
            kernel = kernel.clone();
            stride = stride.clone();
            padding = padding.clone();
            int dims = inSize.length;
            if (dims < 1 || dims > 3) throw new IllegalArgumentException("1 to 3 spatial dims supported, got " + dims);
            if (kernel.length != dims || stride.length != dims || padding.length != dims)
                throw new IllegalArgumentException("kernel, stride and padding need " + dims + " entries");
            if (planes < 1) throw new IllegalArgumentException("planes must be positive, got " + planes);
            for (int i = 0; i < dims; i++) {
                if (inSize[i] < 1 || kernel[i] < 1 || stride[i] < 1 || padding[i] < 0)
                    throw new IllegalArgumentException("dim " + i + ": need in, kernel, stride >= 1 and padding >= 0");
                if (2 * padding[i] > kernel[i])
                    throw new IllegalArgumentException("dim " + i + ": padding " + padding[i] + " exceeds half the kernel " + kernel[i]);
                if (kernel[i] > inSize[i] + 2 * padding[i])
                    throw new IllegalArgumentException("dim " + i + ": kernel " + kernel[i] + " exceeds padded input " + (inSize[i] + 2 * padding[i]));
            }
            if ((long) planes * Conv.prod(inSize) > Integer.MAX_VALUE - 8)
                throw new IllegalArgumentException("input too large for one array");
        }

        public int[] outSize() {
            int[] out = new int[inSize.length];
            for (int i = 0; i < out.length; i++) out[i] = (inSize[i] + 2 * padding[i] - kernel[i]) / stride[i] + 1;
            return out;
        }

        public int inputLength() {
            return planes * Conv.prod(inSize);
        }

        public int outputLength() {
            return planes * Conv.prod(outSize());
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Geometry g && planes == g.planes && Arrays.equals(inSize, g.inSize)
                    && Arrays.equals(kernel, g.kernel) && Arrays.equals(stride, g.stride) && Arrays.equals(padding, g.padding);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(new int[] {planes, Arrays.hashCode(inSize), Arrays.hashCode(kernel),
                    Arrays.hashCode(stride), Arrays.hashCode(padding)});
        }

        @Override
        public String toString() {
            return "Pool.Geometry[planes=" + planes + ", in=" + Arrays.toString(inSize) + ", k=" + Arrays.toString(kernel)
                    + ", stride=" + Arrays.toString(stride) + ", pad=" + Arrays.toString(padding) + "]";
        }
    }

    /** Geometry normalised to 3 dims, with the window of each output index precomputed per dim. */
    private static final class Plan {
        final int planes, inSp, outSp, ih, iw, od, oh, ow;
        /** Per dim and output index: clamped window [start, end) and the padded-window size. */
        final int[][] start = new int[3][], end = new int[3][], padded = new int[3][];

        Plan(Geometry g, int xLen, int yLen) {
            int dims = g.inSize().length;
            int[] in = pad3(g.inSize()), k = pad3(g.kernel()), s = pad3(g.stride()), out = pad3(g.outSize());
            int[] p = {0, 0, 0};
            System.arraycopy(g.padding(), 0, p, 3 - dims, dims);
            planes = g.planes();
            ih = in[1];
            iw = in[2];
            od = out[0];
            oh = out[1];
            ow = out[2];
            inSp = in[0] * ih * iw;
            outSp = od * oh * ow;
            if ((long) planes * inSp > xLen) throw new IllegalArgumentException("input buffer has " + xLen + " elements, needs " + (long) planes * inSp);
            if ((long) planes * outSp > yLen) throw new IllegalArgumentException("output buffer has " + yLen + " elements, needs " + (long) planes * outSp);
            for (int d = 0; d < 3; d++) {
                start[d] = new int[out[d]];
                end[d] = new int[out[d]];
                padded[d] = new int[out[d]];
                for (int o = 0; o < out[d]; o++) {
                    int a = o * s[d] - p[d];
                    int b = Math.min(a + k[d], in[d] + p[d]);
                    padded[d][o] = b - a;
                    start[d][o] = Math.max(a, 0);
                    end[d][o] = Math.min(b, in[d]);
                }
            }
        }

        int minPlanes() {
            return Math.max(1, MIN_ELEMS_PER_TASK / Math.max(1, outSp));
        }

        /** Divisor for output (z, y, x): the padded window (count_include_pad) or the valid taps only. */
        int divisor(int z, int y, int x, boolean countIncludePad) {
            if (countIncludePad) return padded[0][z] * padded[1][y] * padded[2][x];
            return (end[0][z] - start[0][z]) * (end[1][y] - start[1][y]) * (end[2][x] - start[2][x]);
        }

        private static int[] pad3(int[] a) {
            int[] r = {1, 1, 1};
            System.arraycopy(a, 0, r, 3 - a.length, a.length);
            return r;
        }
    }

    /** y = average over each window; padding counts as zeros in the divisor when countIncludePad. */
    public static void avgForward(Geometry g, boolean countIncludePad, float[] x, float[] y) {
        Plan p = new Plan(g, x.length, y.length);
        Parallel.forRange(p.planes, p.minPlanes(), (s, e) -> {
            for (int pl = s; pl < e; pl++) {
                int xb = pl * p.inSp, o = pl * p.outSp;
                for (int z = 0; z < p.od; z++)
                    for (int yy = 0; yy < p.oh; yy++)
                        for (int xx = 0; xx < p.ow; xx++) {
                            float sum = 0f;
                            for (int a = p.start[0][z]; a < p.end[0][z]; a++)
                                for (int b = p.start[1][yy]; b < p.end[1][yy]; b++) {
                                    int row = xb + (a * p.ih + b) * p.iw;
                                    for (int c = p.start[2][xx]; c < p.end[2][xx]; c++) sum += x[row + c];
                                }
                            y[o++] = sum / p.divisor(z, yy, xx, countIncludePad);
                        }
            }
        });
    }

    /** dx = gradient of {@link #avgForward}: each dy spread evenly (by the same divisor) over its window. */
    public static void avgBackward(Geometry g, boolean countIncludePad, float[] dy, float[] dx) {
        Plan p = new Plan(g, dx.length, dy.length);
        Parallel.forRange(p.planes, p.minPlanes(), (s, e) -> {
            for (int pl = s; pl < e; pl++) {
                int xb = pl * p.inSp, o = pl * p.outSp;
                Arrays.fill(dx, xb, xb + p.inSp, 0f);
                for (int z = 0; z < p.od; z++)
                    for (int yy = 0; yy < p.oh; yy++)
                        for (int xx = 0; xx < p.ow; xx++) {
                            float v = dy[o++] / p.divisor(z, yy, xx, countIncludePad);
                            for (int a = p.start[0][z]; a < p.end[0][z]; a++)
                                for (int b = p.start[1][yy]; b < p.end[1][yy]; b++) {
                                    int row = xb + (a * p.ih + b) * p.iw;
                                    for (int c = p.start[2][xx]; c < p.end[2][xx]; c++) dx[row + c] += v;
                                }
                        }
            }
        });
    }

    /**
     * y = maximum over each window (padding never wins); argmax (same length as y) receives the flat
     * index of the winner within its input plane, as PyTorch's return_indices. The first maximum in
     * scan order wins and a NaN (the last one) always wins, as in PyTorch.
     */
    public static void maxForward(Geometry g, float[] x, float[] y, int[] argmax) {
        Plan p = new Plan(g, x.length, y.length);
        if (argmax.length < g.outputLength()) throw new IllegalArgumentException("argmax has " + argmax.length + " elements, needs " + g.outputLength());
        Parallel.forRange(p.planes, p.minPlanes(), (s, e) -> {
            for (int pl = s; pl < e; pl++) {
                int xb = pl * p.inSp, o = pl * p.outSp;
                for (int z = 0; z < p.od; z++)
                    for (int yy = 0; yy < p.oh; yy++)
                        for (int xx = 0; xx < p.ow; xx++, o++) {
                            float best = Float.NEGATIVE_INFINITY;
                            int bestIdx = (p.start[0][z] * p.ih + p.start[1][yy]) * p.iw + p.start[2][xx];
                            for (int a = p.start[0][z]; a < p.end[0][z]; a++)
                                for (int b = p.start[1][yy]; b < p.end[1][yy]; b++) {
                                    int row = (a * p.ih + b) * p.iw;
                                    for (int c = p.start[2][xx]; c < p.end[2][xx]; c++) {
                                        float v = x[xb + row + c];
                                        if (v > best || Float.isNaN(v)) {
                                            best = v;
                                            bestIdx = row + c;
                                        }
                                    }
                                }
                            y[o] = best;
                            argmax[o] = bestIdx;
                        }
            }
        });
    }

    /** dx = gradient of {@link #maxForward}: each dy goes to its window's argmax. Overwrites dx. */
    public static void maxBackward(Geometry g, float[] dy, int[] argmax, float[] dx) {
        Plan p = new Plan(g, dx.length, dy.length);
        Parallel.forRange(p.planes, p.minPlanes(), (s, e) -> {
            for (int pl = s; pl < e; pl++) {
                int xb = pl * p.inSp, o = pl * p.outSp;
                Arrays.fill(dx, xb, xb + p.inSp, 0f);
                for (int i = 0; i < p.outSp; i++, o++) dx[xb + argmax[o]] += dy[o];
            }
        });
    }
}
