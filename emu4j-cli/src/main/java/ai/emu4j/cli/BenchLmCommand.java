package ai.emu4j.cli;

import ai.emu4j.bench.LmBench;
import ai.emu4j.bench.TorchPeer;
import ai.emu4j.core.kernels.Parallel;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code emu4j bench lm}: the Llama-style decoder against the same model in PyTorch. */
@Command(name = "lm", mixinStandardHelpOptions = true,
        description = {"Training step time, prefill and decode tokens/s of the demo-sized decoder (13.8M parameters),",
            "against the same architecture in PyTorch in the same run; --big adds MobileLLaMA-1.4B BF16 decode",
            "(writes a 2.7 GB random-weight model to --scratch, then deletes it)."})
public final class BenchLmCommand implements Callable<Integer> {
    @Option(names = "--reps", defaultValue = "5", description = "Timed repetitions per figure (median). Default: ${DEFAULT-VALUE}.")
    int reps;

    @Option(names = "--batch", defaultValue = "16", description = "Training batch. Default: ${DEFAULT-VALUE}.")
    int batch;

    @Option(names = "--seq", defaultValue = "128", description = "Training sequence length. Default: ${DEFAULT-VALUE}.")
    int seq;

    @Option(names = "--prefill", defaultValue = "128", description = "Prefill tokens. Default: ${DEFAULT-VALUE}.")
    int prefill;

    @Option(names = "--decode", defaultValue = "64", description = "Decoded tokens. Default: ${DEFAULT-VALUE}.")
    int decode;

    @Option(names = "--big", description = "Also decode with the MobileLLaMA-1.4B shape from mapped BF16 weights.")
    boolean big;

    @Option(names = "--scratch", defaultValue = "${java.io.tmpdir}", description = "Folder for the --big model file. Default: ${DEFAULT-VALUE}.")
    Path scratch;

    @Option(names = "--no-peer", description = "Skip PyTorch; print '-' in its column.")
    boolean noPeer;

    @Override
    public Integer call() throws Exception {
        if (reps < 1 || batch < 1 || seq < 2 || prefill < 1 || decode < 1 || seq > 1024 || prefill > 1024 || decode > 1000) {
            throw new IllegalArgumentException("need --reps, --batch >= 1, 2 <= --seq <= 1024, 1 <= --prefill <= 1024, 1 <= --decode <= 1000");
        }
        TorchPeer peer = noPeer ? null : TorchPeer.locate("lm_peer.py", Parallel.threads());
        LmBench bench = new LmBench(reps, peer, System.out);
        bench.runDemo(batch, seq, prefill, decode);
        if (big) bench.runBig(scratch, Math.min(decode, 32));
        return 0;
    }
}
