package ai.emu4j.cli;

import ai.emu4j.data.shapes.ShapesDataset;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "shapes", mixinStandardHelpOptions = true,
        description = "64x64 scenes of 1-3 coloured shapes with exact captions; colour+shape pairs "
                + "red triangle, blue circle and green square appear only in the test split.")
public final class DataShapesCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "DIR", description = "dataset folder to write")
    Path out;

    @Option(names = "--seed", defaultValue = "0", description = "random seed (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = {"-n", "--count"}, defaultValue = "2000", description = "number of scenes (default ${DEFAULT-VALUE})")
    int count;

    @Override
    public Integer call() throws IOException {
        DataCommand.positive(spec.commandLine(), "--count", count);
        DataCommand.summary(spec.commandLine(), "shapes", out, ShapesDataset.generate(out, seed, count));
        return 0;
    }
}
