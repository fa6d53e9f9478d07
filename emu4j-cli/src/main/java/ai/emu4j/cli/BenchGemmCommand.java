package ai.emu4j.cli;

import ai.emu4j.bench.GemmBench;
import ai.emu4j.bench.TorchPeer;
import ai.emu4j.core.kernels.Parallel;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code emu4j bench gemm}: SGEMM and matvec throughput, ours against torch.mm / torch.mv, one line per shape. */
@Command(name = "gemm", mixinStandardHelpOptions = true,
        description = {"SGEMM (GFLOP/s) and matvec (GB/s) against PyTorch, run back to back per shape.",
            "Shape specs: mm:M:K:N (C = A(M,K) B(K,N)) and mv:N:K (y = W(N,K) x; also F16 and BF16 weights)."})
public final class BenchGemmCommand implements Callable<Integer> {
    @Option(names = "--reps", defaultValue = "10", description = "Timed repetitions per shape (median is reported). Default: ${DEFAULT-VALUE}.")
    int reps;

    @Option(names = "--shapes", split = ",", description = "Comma-separated shape specs. Default: all of mm:256:256:256 ... mv:32000:2048.")
    List<String> shapes;

    @Option(names = "--vector-bits", defaultValue = "-1",
            description = "SIMD width for our kernels: 0 (scalar), 128, 256 or 512. Default: the engine's (-Demu4j.vectorBits or the preferred species; matvec -Demu4j.matvecBits or at most 256).")
    int vectorBits;

    @Option(names = "--no-peer", description = "Skip PyTorch; print '-' in its column.")
    boolean noPeer;

    @Override
    public Integer call() {
        if (reps < 1) throw new IllegalArgumentException("--reps must be at least 1");
        TorchPeer peer = noPeer ? null : TorchPeer.locate("gemm_peer.py", Parallel.threads());
        new GemmBench(reps, vectorBits, peer).run(shapes == null ? GemmBench.DEFAULT_SHAPES : shapes, System.out);
        return 0;
    }
}
