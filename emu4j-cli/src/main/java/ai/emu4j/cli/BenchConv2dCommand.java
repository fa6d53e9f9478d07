package ai.emu4j.cli;

import ai.emu4j.bench.Conv2dBench;
import ai.emu4j.bench.TorchPeer;
import ai.emu4j.core.kernels.Parallel;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code emu4j bench conv2d}: conv2d forward and forward+backward GFLOP/s against PyTorch, same run. */
@Command(name = "conv2d", mixinStandardHelpOptions = true,
        description = {"Times emu4j conv2d (forward, forward+backward) against PyTorch on the same shapes in the same run.",
                "Prints a markdown table: GFLOP/s (2*N*Cout*Hout*Wout*Cin*k*k per forward, 3x for fwd+bwd) and ours/torch ratios."})
public final class BenchConv2dCommand implements Callable<Integer> {
    @Option(names = "--shape", paramLabel = "N,Cin,Cout,H,W[,K[,PAD]]",
            description = "Shape to run (repeatable); default: the 4 baseline 3x3 pad-1 batch-16 shapes.")
    List<String> shapes;

    @Option(names = "--warmup", defaultValue = "2", description = "Untimed runs per measurement (default ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--iters", defaultValue = "10", description = "Timed runs per measurement; the median is reported (default ${DEFAULT-VALUE}).")
    int iters;

    @Option(names = "--rounds", defaultValue = "3",
            description = "Alternating ours/torch rounds per shape; each side reports its best round (default ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--no-peer", description = "Only time emu4j.")
    boolean noPeer;

    @Option(names = "--gelu", description = "Conv then exact GELU on both sides (the visual summary stem's block, e.g. --shape 300,384,384,8,8).")
    boolean gelu;

    @Override
    public Integer call() throws Exception {
        if (warmup < 0 || iters < 1 || rounds < 1) throw new IllegalArgumentException("need --warmup >= 0, --iters >= 1 and --rounds >= 1");
        List<Conv2dBench.Shape> list = shapes == null ? Conv2dBench.DEFAULT_SHAPES
                : shapes.stream().map(Conv2dBench.Shape::parse).toList();
        TorchPeer peer = noPeer ? null : TorchPeer.locate("conv_peer.py", Parallel.threads());
        Conv2dBench.run(new Conv2dBench.Options(list, warmup, iters, rounds, peer, gelu), System.out);
        return 0;
    }
}
