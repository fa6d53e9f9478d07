package ai.emu4j.core.kernels;

/**
 * Naive scalar convolution straight from the definition, with double accumulators: the oracle that
 * {@link Conv} is tested against. O(N·Cout·out·Cin/g·k) with no blocking; only for small shapes.
 * Transposed convs are computed from their own scatter definition (y[i·s - p + k·d] += x[i]·w[k]),
 * not through the conv identity that {@link Conv} uses, so the test checks that identity too.
 * Outputs are overwritten, as in {@link Conv}.
 */
public final class ConvReference {
    private ConvReference() {}

    /** Calls body for every (n, group, co, ci, output position, tap) whose input position is inside the image. */
    @FunctionalInterface
    private interface Visit {
        void run(int xi, int wi, int yi);
    }

    private static void visit(int batch, int cin, int cout, int groups, int[] in, int[] out,
                              int[] k, int[] s, int[] p, int[] d, Visit body) {
        int dims = in.length;
        int inSp = Conv.prod(in), outSp = Conv.prod(out), kv = Conv.prod(k);
        int cinG = cin / groups, coutG = cout / groups;
        int[] o = new int[dims], t = new int[dims];
        for (int n = 0; n < batch; n++)
            for (int co = 0; co < cout; co++) {
                int g = co / coutG;
                for (int ci = 0; ci < cinG; ci++)
                    for (int op = 0; op < outSp; op++) {
                        unravel(op, out, o);
                        for (int tp = 0; tp < kv; tp++) {
                            unravel(tp, k, t);
                            int ip = 0;
                            boolean inside = true;
                            for (int i = 0; i < dims; i++) {
                                int x = o[i] * s[i] - p[i] + t[i] * d[i];
                                if (x < 0 || x >= in[i]) inside = false;
                                ip = ip * in[i] + x;
                            }
                            if (!inside) continue;
                            body.run((n * cin + g * cinG + ci) * inSp + ip, (co * cinG + ci) * kv + tp, (n * cout + co) * outSp + op);
                        }
                    }
            }
    }

    private static void unravel(int flat, int[] dims, int[] idx) {
        for (int i = dims.length - 1; i >= 0; i--) {
            idx[i] = flat % dims[i];
            flat /= dims[i];
        }
    }

    private static void store(double[] acc, float[] out) {
        for (int i = 0; i < acc.length; i++) out[i] = (float) acc[i];
    }

    public static void forward(Conv.Geometry g, float[] x, float[] w, float[] bias, float[] y) {
        int outSp = Conv.prod(g.outSize());
        double[] acc = new double[g.outputLength()];
        if (bias != null)
            for (int i = 0; i < acc.length; i++) acc[i] = bias[(i / outSp) % g.outChannels()];
        visit(g.batch(), g.inChannels(), g.outChannels(), g.groups(), g.inSize(), g.outSize(), g.kernel(), g.stride(),
                g.padding(), g.dilation(), (xi, wi, yi) -> acc[yi] += (double) x[xi] * w[wi]);
        store(acc, y);
    }

    public static void backwardData(Conv.Geometry g, float[] dy, float[] w, float[] dx) {
        double[] acc = new double[g.inputLength()];
        visit(g.batch(), g.inChannels(), g.outChannels(), g.groups(), g.inSize(), g.outSize(), g.kernel(), g.stride(),
                g.padding(), g.dilation(), (xi, wi, yi) -> acc[xi] += (double) dy[yi] * w[wi]);
        store(acc, dx);
    }

    public static void backwardWeight(Conv.Geometry g, float[] x, float[] dy, float[] dw, float[] dbias) {
        double[] acc = new double[g.weightLength()];
        visit(g.batch(), g.inChannels(), g.outChannels(), g.groups(), g.inSize(), g.outSize(), g.kernel(), g.stride(),
                g.padding(), g.dilation(), (xi, wi, yi) -> acc[wi] += (double) dy[yi] * x[xi]);
        store(acc, dw);
        if (dbias != null) biasGrad(g.batch(), g.outChannels(), Conv.prod(g.outSize()), dy, dbias);
    }

    /** Transposed conv by scattering: for each input position i and tap t, y[co, i·s - p + t·d] += x[ci, i]·w[ci, co, t]. */
    private static void tvisit(Conv.TransposedGeometry g, Visit body) {
        int[] in = g.inSize(), out = g.outSize(), k = g.kernel(), s = g.stride(), p = g.padding(), d = g.dilation();
        int dims = in.length, inSp = Conv.prod(in), outSp = Conv.prod(out), kv = Conv.prod(k);
        int cinG = g.inChannels() / g.groups(), coutG = g.outChannels() / g.groups();
        int[] ii = new int[dims], t = new int[dims];
        for (int n = 0; n < g.batch(); n++)
            for (int ci = 0; ci < g.inChannels(); ci++) {
                int grp = ci / cinG;
                for (int col = 0; col < coutG; col++) {
                    int co = grp * coutG + col;
                    for (int ip = 0; ip < inSp; ip++) {
                        unravel(ip, in, ii);
                        for (int tp = 0; tp < kv; tp++) {
                            unravel(tp, k, t);
                            int op = 0;
                            boolean inside = true;
                            for (int i = 0; i < dims; i++) {
                                int o = ii[i] * s[i] - p[i] + t[i] * d[i];
                                if (o < 0 || o >= out[i]) inside = false;
                                op = op * out[i] + o;
                            }
                            if (!inside) continue;
                            body.run((n * g.inChannels() + ci) * inSp + ip, (ci * coutG + col) * kv + tp,
                                    (n * g.outChannels() + co) * outSp + op);
                        }
                    }
                }
            }
    }

    public static void transposedForward(Conv.TransposedGeometry g, float[] x, float[] w, float[] bias, float[] y) {
        int outSp = Conv.prod(g.outSize());
        double[] acc = new double[g.outputLength()];
        if (bias != null)
            for (int i = 0; i < acc.length; i++) acc[i] = bias[(i / outSp) % g.outChannels()];
        tvisit(g, (xi, wi, yi) -> acc[yi] += (double) x[xi] * w[wi]);
        store(acc, y);
    }

    public static void transposedBackwardData(Conv.TransposedGeometry g, float[] dy, float[] w, float[] dx) {
        double[] acc = new double[g.inputLength()];
        tvisit(g, (xi, wi, yi) -> acc[xi] += (double) dy[yi] * w[wi]);
        store(acc, dx);
    }

    public static void transposedBackwardWeight(Conv.TransposedGeometry g, float[] x, float[] dy, float[] dw, float[] dbias) {
        double[] acc = new double[g.weightLength()];
        tvisit(g, (xi, wi, yi) -> acc[wi] += (double) dy[yi] * x[xi]);
        store(acc, dw);
        if (dbias != null) biasGrad(g.batch(), g.outChannels(), Conv.prod(g.outSize()), dy, dbias);
    }

    private static void biasGrad(int batch, int channels, int spatial, float[] dy, float[] dbias) {
        double[] acc = new double[channels];
        for (int i = 0; i < batch * channels * spatial; i++) acc[(i / spatial) % channels] += dy[i];
        store(acc, dbias);
    }
}
