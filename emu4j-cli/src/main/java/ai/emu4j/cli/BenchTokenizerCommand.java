package ai.emu4j.cli;

import ai.emu4j.bench.TokenizerBench;
import ai.emu4j.bench.TorchPeer;
import ai.emu4j.models.vq.VQConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code emu4j bench tokenizer}: Emu3 tokenizer encode/decode images/s, emu4j against PyTorch in one run. */
@Command(name = "tokenizer", mixinStandardHelpOptions = true,
        description = {"Encodes and decodes the same batch with emu4j and with the PyTorch re-implementation",
                "(tools/bench/tokenizer_peer.py) on the same seeded weights; prints images/s and the ratio."})
public final class BenchTokenizerCommand implements Callable<Integer> {
    @Option(names = "--ch", defaultValue = "64") int ch;
    @Option(names = "--ch-mult", defaultValue = "1,2,2,4", split = ",") int[] chMult;
    @Option(names = "--res-blocks", defaultValue = "2") int resBlocks;
    @Option(names = "--codebook", defaultValue = "4096") int codebook;
    @Option(names = "--size", defaultValue = "64", description = "Image side (default ${DEFAULT-VALUE}).") int size;
    @Option(names = "--batch", defaultValue = "8") int batch;
    @Option(names = "--iters", defaultValue = "2", description = "Timed passes; the best is reported (default ${DEFAULT-VALUE}).") int iters;
    @Option(names = "--python", defaultValue = "/usr/bin/python3") String python;
    @Option(names = "--peer-script", description = "Default: tools/bench/tokenizer_peer.py found from the working directory up.") Path peerScript;
    @Option(names = "--peer-threads", defaultValue = "2") int peerThreads;
    @Option(names = "--no-peer", description = "Only time emu4j.") boolean noPeer;

    @Override
    public Integer call() throws Exception {
        if (size % 8 != 0 || size <= 0 || batch <= 0 || iters <= 0) throw new IllegalArgumentException("need --size a positive multiple of 8, --batch > 0 and --iters > 0");
        Path script = noPeer ? null : peerScript != null ? peerScript : TorchPeer.findScript("tokenizer_peer.py");
        if (!noPeer && script == null) throw new IllegalArgumentException("tools/bench/tokenizer_peer.py not found; run from the repository or pass --peer-script / --no-peer");
        VQConfig config = new VQConfig(ch, chMult, resBlocks, new int[] {chMult.length - 1}, codebook, 4, 4, false, 3, 3, 4, 0.0);
        TokenizerBench.run(new TokenizerBench.Options(config, size, batch, iters, python, script, peerThreads), System.out);
        return 0;
    }
}
