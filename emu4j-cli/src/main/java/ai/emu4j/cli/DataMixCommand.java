package ai.emu4j.cli;

import ai.emu4j.data.mix.DatasetMix;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "mix", mixinStandardHelpOptions = true,
        description = "Merge dataset folders into one (OUT/<folder name>/..., one manifest, splits kept); "
                + "images become opaque RGB over white.")
public final class DataMixCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "DIR", description = "dataset folder to write")
    Path out;

    @Parameters(arity = "1..*", paramLabel = "DATASET", description = "dataset folders (each with manifest.jsonl)")
    List<Path> inputs;

    @Override
    public Integer call() throws IOException {
        DataCommand.summary(spec.commandLine(), "mix", out, DatasetMix.write(inputs, out));
        return 0;
    }
}
