package ai.emu4j.cli;

import ai.emu4j.data.sprites.SpritesDataset;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "sprites", mixinStandardHelpOptions = true,
        description = "8-frame 64x64 animated GIFs of an emoji (with --emoji) or a shape moving left, right, up or down.")
public final class DataSpritesCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "DIR", description = "dataset folder to write")
    Path out;

    @Option(names = "--seed", defaultValue = "0", description = "random seed (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = {"-n", "--count"}, defaultValue = "1000", description = "number of clips (default ${DEFAULT-VALUE})")
    int count;

    @Option(names = "--emoji", paramLabel = "DIR", description = "an emoji dataset folder (emu4j data emoji) to take sprites from; shapes if absent")
    Path emoji;

    @Override
    public Integer call() throws IOException {
        DataCommand.positive(spec.commandLine(), "--count", count);
        DataCommand.summary(spec.commandLine(), "sprites", out, SpritesDataset.generate(out, seed, count, emoji));
        return 0;
    }
}
