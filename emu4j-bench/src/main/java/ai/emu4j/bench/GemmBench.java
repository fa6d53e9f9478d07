package ai.emu4j.bench;

import ai.emu4j.core.kernels.Gemm;
import ai.emu4j.core.kernels.Linear;
import ai.emu4j.core.kernels.Parallel;
import ai.emu4j.core.kernels.SgemmKernel;
import ai.emu4j.core.kernels.VectorWidth;
import ai.emu4j.core.tensor.DType;
import ai.emu4j.core.tensor.Half;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * SGEMM and matvec throughput against PyTorch on the same machine, in the same run: for each shape our
 * kernel is timed, then {@link TorchPeer} times torch.mm / torch.mv on the same shape right after, so
 * both see the same background load. Each figure is the median of reps timed calls after warm-up.
 *
 * <p>Shape specs: {@code mm:M:K:N} is C(M,N) = A(M,K) B(K,N), in GFLOP/s; {@code mv:N:K} is y = W(N,K) x,
 * in GB/s of weights read, measured for F32 against torch.mv and for F16 and BF16 (ours only).
 */
public final class GemmBench {
    public static final List<String> DEFAULT_SHAPES = List.of(
            "mm:256:256:256", "mm:512:512:512", "mm:1024:1024:1024", "mm:2048:2048:2048",
            "mm:512:384:1536", "mm:2048:384:1152", "mm:1:2048:5632",
            "mv:5632:2048", "mv:32000:2048");

    /** One printed line: ours and the peer's figure in unit; peer is NaN where there is no peer. */
    public record Result(String shape, String unit, double ours, double peer) {
        public double ratio() {
            return ours / peer;
        }
    }

    private final int reps;
    private final int vectorBits;
    private final TorchPeer peer;

    /** vectorBits: 0, 128, 256, 512, or -1 for the engine default; peer null to skip PyTorch. */
    public GemmBench(int reps, int vectorBits, TorchPeer peer) {
        this.reps = reps;
        this.vectorBits = vectorBits;
        this.peer = peer;
    }

    public List<Result> run(List<String> shapes, PrintStream out) {
        int bits = vectorBits < 0 ? VectorWidth.BITS : vectorBits;
        int mvBits = vectorBits < 0 ? VectorWidth.MATVEC_BITS : vectorBits;
        String widths = bits == 0 ? "scalar" : bits + "-bit vectors" + (mvBits == bits ? "" : " (matvec " + mvBits + "-bit)");
        out.printf("emu4j bench gemm: %d threads, %s, %d reps (median), peer: %s%n", Parallel.threads(),
                widths, reps, peer == null ? "none" : peer.describe());
        out.printf("%-26s %16s %16s %8s%n", "shape", "emu4j", "torch", "ratio");
        warmUp(bits, mvBits);
        List<Result> results = new ArrayList<>();
        for (String spec : shapes) {
            String[] f = spec.split(":");
            int[] d = Arrays.stream(f, 1, f.length).mapToInt(Integer::parseInt).toArray();
            switch (f[0]) {
                case "mm" -> results.add(print(out, gemm(spec, d[0], d[1], d[2], bits)));
                case "mv" -> {
                    for (DType t : new DType[] {DType.F32, DType.F16, DType.BF16}) {
                        results.add(print(out, matvec(spec, d[0], d[1], t, mvBits)));
                    }
                }
                default -> throw new IllegalArgumentException("shape spec must be mm:M:K:N or mv:N:K, not " + spec);
            }
        }
        return results;
    }

    private Result gemm(String spec, int m, int k, int n, int bits) {
        SplittableRandom rnd = new SplittableRandom(1);
        float[] a = random(rnd, m * k), b = random(rnd, k * n), c = new float[m * n];
        SgemmKernel kernel = bits == 0 ? null : SgemmKernel.of(VectorWidth.species(bits));
        Runnable call = kernel == null
                ? () -> Gemm.scalar(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, c, 0, n)
                : () -> kernel.sgemm(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, c, 0, n);
        double ours = 2.0 * m * n * k / medianSeconds(call) / 1e9;
        return new Result("gemm " + m + "x" + k + "x" + n, "GFLOP/s", ours, peer == null ? Double.NaN : peer.measure(spec, reps));
    }

    private Result matvec(String spec, int n, int k, DType t, int bits) {
        SplittableRandom rnd = new SplittableRandom(2);
        long count = (long) n * k;
        MemorySegment w = Arena.ofAuto().allocate(t.byteSizeFor(count), 64);
        for (long i = 0; i < count; i++) {
            float v = (float) (rnd.nextDouble() - 0.5);
            switch (t) {
                case F32 -> w.setAtIndex(ValueLayout.JAVA_FLOAT, i, v);
                case F16 -> w.setAtIndex(ValueLayout.JAVA_SHORT, i, Half.f32ToF16(v));
                default -> w.setAtIndex(ValueLayout.JAVA_SHORT, i, Half.f32ToBf16(v));
            }
        }
        float[] x = random(rnd, k), y = new float[n];
        double ours = t.byteSizeFor(count) / medianSeconds(() -> Linear.linear(bits, x, 0, 1, k, w, t, null, y, 0, n)) / 1e9;
        double theirs = t == DType.F32 && peer != null ? peer.measure(spec, reps) : Double.NaN;
        return new Result("matvec " + t + " " + k + "->" + n, "GB/s", ours, theirs);
    }

    /**
     * Two seconds on small problems before the first timing: C2 compiling the vector kernels takes over a
     * second on a busy 2-core machine, and without this the first shape measured 5-15x low.
     */
    private void warmUp(int bits, int mvBits) {
        int s = 192, k = 512;
        float[] a = new float[s * s], c = new float[s * s], x = new float[k], y = new float[s];
        SgemmKernel kernel = bits == 0 ? null : SgemmKernel.of(VectorWidth.species(bits));
        MemorySegment w = Arena.ofAuto().allocate(4L * s * k, 64);
        long end = System.nanoTime() + 2_000_000_000L;
        while (System.nanoTime() < end) {
            if (kernel != null) kernel.sgemm(false, false, s, s, s, 1f, a, 0, s, a, 0, s, 0f, c, 0, s);
            for (DType t : new DType[] {DType.F32, DType.F16, DType.BF16}) Linear.linear(mvBits, x, 0, 1, k, w, t, null, y, 0, s);
        }
    }

    /**
     * Warm-up of at least 3 calls and 0.5 s (JIT, page faults, pool threads; the first shape of a run also
     * pays C2's compile of the kernels), then the median of reps samples. A sample times a batch of calls
     * lasting ~20 ms, so sub-millisecond shapes are not measured at the resolution of thread wake-ups.
     */
    private double medianSeconds(Runnable call) {
        long start = System.nanoTime(), warmEnd = start + 500_000_000L;
        int calls = 0;
        for (; calls < 3 || System.nanoTime() < warmEnd; calls++) call.run();
        double perCall = (System.nanoTime() - start) / 1e9 / calls;
        int batch = (int) Math.max(1, Math.min(1000, 0.02 / perCall));
        double[] t = new double[reps];
        for (int i = 0; i < reps; i++) {
            long t0 = System.nanoTime();
            for (int j = 0; j < batch; j++) call.run();
            t[i] = (System.nanoTime() - t0) / 1e9 / batch;
        }
        Arrays.sort(t);
        return t[reps / 2];
    }

    private static Result print(PrintStream out, Result r) {
        String theirs = Double.isNaN(r.peer()) ? "-" : String.format("%.1f %s", r.peer(), r.unit());
        String ratio = Double.isNaN(r.peer()) ? "-" : String.format("%.2fx", r.ratio());
        out.printf("%-26s %16s %16s %8s%n", r.shape(), String.format("%.1f %s", r.ours(), r.unit()), theirs, ratio);
        out.flush();
        return r;
    }

    private static float[] random(SplittableRandom rnd, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (rnd.nextDouble() * 2 - 1);
        return x;
    }
}
