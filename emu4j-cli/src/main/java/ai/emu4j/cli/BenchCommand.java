package ai.emu4j.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code emu4j bench ...}: micro-benchmarks of the engine's kernels against peers on this machine. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmark engine kernels against PyTorch on this machine.",
        subcommands = {BenchGemmCommand.class, BenchConv2dCommand.class, BenchLmCommand.class, BenchTokenizerCommand.class, BenchServeCommand.class})
public final class BenchCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
