package ai.emu4j.cli;

import ai.emu4j.models.emu3.Emu3Bundle;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --model DIR [--vq DIR]}, defaulting to the bundled demo model. */
final class ModelOptions {
    /** The launcher sets this to the repository root; without it the working directory is used. */
    static final String HOME_PROPERTY = "emu4j.home";

    @Option(names = "--model", paramLabel = "DIR",
            description = "Model folder: config.json, safetensors, tokenizer; default models/emu4j-demo in the emu4j folder.")
    Path model;

    @Option(names = "--vq", paramLabel = "DIR", description = "Vision tokenizer folder; default DIR/vision_tokenizer.")
    Path vq;

    static Path demoFolder() {
        String home = System.getProperty(HOME_PROPERTY);
        return (home == null ? Path.of("") : Path.of(home)).toAbsolutePath().resolve("models").resolve("emu4j-demo");
    }

    /** Fails before any model is loaded when an output's folder is missing, rather than after minutes of generation. */
    static void checkOutputFolder(picocli.CommandLine cmd, Path output) {
        Path parent = output.toAbsolutePath().getParent();
        if (parent == null || !Files.isDirectory(parent)) throw new picocli.CommandLine.ParameterException(cmd, "output folder " + parent + " does not exist");
        if (Files.isDirectory(output)) throw new picocli.CommandLine.ParameterException(cmd, "output " + output + " is a folder, not a file name");
    }

    Emu3Bundle open() throws IOException {
        Path dir = model;
        if (dir == null) {
            dir = demoFolder();
            if (!Files.isDirectory(dir)) {
                throw new IllegalArgumentException("no --model given and the bundled demo model " + dir + " does not exist; pass --model DIR");
            }
        }
        return Emu3Bundle.load(dir, vq);
    }
}
