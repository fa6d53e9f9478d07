package ai.emu4j.bench;

import ai.emu4j.core.kernels.Activations;
import ai.emu4j.core.kernels.Conv;
import ai.emu4j.core.kernels.Parallel;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * conv2d throughput of {@link Conv} against PyTorch on the same machine in the same run: for each shape,
 * our forward and forward+backward (backwardData + backwardWeight with bias grad) are timed, then the
 * peer script tools/bench/conv_peer.py is started for the same shape, so both see the same machine state.
 * FLOPs are 2·N·Cout·Hout·Wout·Cin·k² (padding taps included), fwd+bwd counted as 3× forward. With
 * {@code gelu} both sides run conv then exact GELU (the visual summary stem's block), the GELU's work
 * not counted in the FLOPs: the rate drops by what the activation costs.
 */
public final class Conv2dBench {
    private Conv2dBench() {}

    /** A stride-1 k×k conv with symmetric padding on an N×Cin×H×W input. */
    public record Shape(int batch, int inChannels, int outChannels, int height, int width, int kernel, int padding) {
        public Conv.Geometry geometry() {
            return Conv.Geometry.of(batch, inChannels, outChannels, 1, new int[] {height, width},
                    new int[] {kernel, kernel}, 1, padding, 1);
        }

        /** Parses "N,Cin,Cout,H,W[,K[,PAD]]"; K defaults to 3 and PAD to K/2. */
        public static Shape parse(String s) {
            int[] v = Arrays.stream(s.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
            if (v.length < 5 || v.length > 7) throw new IllegalArgumentException("shape must be N,Cin,Cout,H,W[,K[,PAD]]: " + s);
            int k = v.length > 5 ? v[5] : 3;
            return new Shape(v[0], v[1], v[2], v[3], v[4], k, v.length > 6 ? v[6] : k / 2);
        }

        String csv() {
            return batch + "," + inChannels + "," + outChannels + "," + height + "," + width + "," + kernel + "," + padding;
        }

        String label() {
            return "N" + batch + " " + inChannels + "->" + outChannels + " " + height + "x" + width + " k" + kernel + "p" + padding;
        }
    }

    /** The shapes of the baseline table: 3×3 pad 1, batch 16. */
    public static final List<Shape> DEFAULT_SHAPES = List.of(
            new Shape(16, 64, 128, 32, 32, 3, 1),
            new Shape(16, 64, 128, 64, 64, 3, 1),
            new Shape(16, 128, 256, 16, 16, 3, 1),
            new Shape(16, 256, 256, 8, 8, 3, 1));

    /**
     * Benchmark settings. Each shape is measured in {@code rounds} alternating ours/peer rounds of
     * warmup + iters runs; each side reports its best round median, which filters out rounds disturbed
     * by other processes on a shared machine. peerScript null skips the peer (its columns print as "-").
     */
    public record Options(List<Shape> shapes, int warmup, int iters, int rounds, TorchPeer peer, boolean gelu) {}

    /** Median times in ms; NaN where not measured. */
    public record Result(Shape shape, double fwdMs, double fwdBwdMs, double peerFwdMs, double peerFwdBwdMs) {
        double gflops(double ms, int passes) {
            return passes * shape.geometry().flops() / (ms * 1e6);
        }
    }

    public static List<Result> run(Options o, PrintStream out) {
        out.printf("conv2d%s: emu4j %d compute threads, peer %s; best of %d alternating rounds, each warmup %d + median of %d%n",
                o.gelu() ? " + exact GELU" : "", Parallel.threads(), o.peer() == null ? "off" : o.peer().describe(), o.rounds(), o.warmup(), o.iters());
        out.println("| shape | fwd ours GFLOP/s | fwd torch GFLOP/s | fwd ratio | fwd+bwd ours GFLOP/s | fwd+bwd torch GFLOP/s | fwd+bwd ratio | ours fwd / fwd+bwd ms | torch fwd / fwd+bwd ms |");
        out.println("|---|---|---|---|---|---|---|---|---|");
        jitWarmup(o.shapes().getFirst(), o.gelu());
        List<Result> results = new ArrayList<>();
        for (Shape s : o.shapes()) {
            double[] ours = {Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY};
            double[] peer = {Double.NaN, Double.NaN};
            for (int round = 0; round < o.rounds(); round++) {
                best(ours, measureOurs(s, o.gelu(), o.warmup(), o.iters()));
                String spec = "conv:" + s.csv().replace(',', ':') + (o.gelu() ? ":gelu" : "");
                if (o.peer() != null) best(peer, o.peer().measureAll(spec, o.iters(), 2));
            }
            Result r = new Result(s, ours[0], ours[1], peer[0], peer[1]);
            results.add(r);
            out.printf("| %s | %.1f | %s | %s | %.1f | %s | %s | %.1f / %.1f | %s / %s |%n", s.label(),
                    r.gflops(r.fwdMs(), 1), fmt(r.gflops(r.peerFwdMs(), 1)), ratio(r.peerFwdMs(), r.fwdMs()),
                    r.gflops(r.fwdBwdMs(), 3), fmt(r.gflops(r.peerFwdBwdMs(), 3)), ratio(r.peerFwdBwdMs(), r.fwdBwdMs()),
                    r.fwdMs(), r.fwdBwdMs(), fmt(r.peerFwdMs()), fmt(r.peerFwdBwdMs()));
            out.flush();
        }
        return results;
    }

    /** acc = element-wise min(acc, round); NaN in acc means no round yet. */
    private static void best(double[] acc, double[] round) {
        for (int i = 0; i < acc.length; i++) acc[i] = Double.isNaN(acc[i]) ? round[i] : Math.min(acc[i], round[i]);
    }

    private static String fmt(double v) {
        return Double.isNaN(v) ? "-" : String.format("%.1f", v);
    }

    /** Ours relative to the peer, by time: 0.61x means we take 1/0.61 of its time. */
    private static String ratio(double peerMs, double oursMs) {
        return Double.isNaN(peerMs) ? "-" : String.format("%.2fx", peerMs / oursMs);
    }

    /**
     * Runs forward+backward of the first shape for about a second before anything is timed, so that the
     * im2col loops and the GEMM kernel are C2-compiled; otherwise the first row measures the JIT.
     */
    private static void jitWarmup(Shape s, boolean gelu) {
        long end = System.nanoTime() + 1_000_000_000L;
        do {
            measureOurs(s, gelu, 0, 1);
        } while (System.nanoTime() < end);
    }

    /**
     * {median forward ms, median forward+backward ms}. Buffers are allocated once, outside the timing. The
     * GELU runs as Unary.gelu does: split over the compute pool.
     */
    static double[] measureOurs(Shape s, boolean gelu, int warmup, int iters) {
        Conv.Geometry g = s.geometry();
        Random r = new Random(0);
        float[] x = fill(r, g.inputLength(), 1f), w = fill(r, g.weightLength(), 0.1f), b = fill(r, g.outChannels(), 1f);
        float[] dy = fill(r, g.outputLength(), 1f);
        float[] y = new float[g.outputLength()], dx = new float[g.inputLength()], dw = new float[g.weightLength()];
        float[] db = new float[g.outChannels()];
        float[] act = gelu ? new float[y.length] : null, dyConv = gelu ? new float[y.length] : dy;
        Runnable fwd = () -> {
            Conv.forward(g, x, w, b, y);
            if (gelu) Parallel.forRange(y.length, 1 << 15, (s0, s1) -> Activations.gelu(y, act, s0, s1));
        };
        Runnable fwdBwd = () -> {
            fwd.run();
            if (gelu) Parallel.forRange(y.length, 1 << 15, (s0, s1) -> Activations.geluBackward(y, dy, dyConv, s0, s1));
            Conv.backwardData(g, dyConv, w, dx);
            Conv.backwardWeight(g, x, dyConv, dw, db);
        };
        return new double[] {medianMs(fwd, warmup, iters), medianMs(fwdBwd, warmup, iters)};
    }

    private static float[] fill(Random r, int n, float scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (r.nextFloat() - 0.5f) * scale;
        return a;
    }

    private static double medianMs(Runnable body, int warmup, int iters) {
        for (int i = 0; i < warmup; i++) body.run();
        double[] t = new double[iters];
        for (int i = 0; i < iters; i++) {
            long t0 = System.nanoTime();
            body.run();
            t[i] = (System.nanoTime() - t0) / 1e6;
        }
        Arrays.sort(t);
        return iters % 2 == 1 ? t[iters / 2] : (t[iters / 2 - 1] + t[iters / 2]) / 2;
    }

    /** Without arguments: the default shapes, 3 rounds of 2 warmup + 10 timed runs, PyTorch via /usr/bin/python3. */
    public static void main(String[] args) throws Exception {
        List<Shape> shapes = args.length == 0 ? DEFAULT_SHAPES : Arrays.stream(args).map(Shape::parse).toList();
        run(new Options(shapes, 2, 10, 3, TorchPeer.locate("conv_peer.py", Parallel.threads()), false), System.out);
    }
}
