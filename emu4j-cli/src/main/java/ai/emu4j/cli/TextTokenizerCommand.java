package ai.emu4j.cli;

import ai.emu4j.models.tokenizer.TextTokenizer;
import ai.emu4j.models.tokenizer.TextTokenizers;
import ai.emu4j.models.tokenizer.TokenizerException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code emu4j text-tokenizer}: encode, decode and train text tokenizers. Results go to stdout, progress
 * to stderr; every failure is one line (a {@link CommandLine.ParameterException} for bad arguments, a
 * {@link TokenizerException} for bad input data) and a non-zero exit code.
 */
@Command(name = "text-tokenizer", mixinStandardHelpOptions = true,
        description = "Encode, decode and train text tokenizers (tokenizer.json, vocab.json+merges.txt, .tiktoken, Emu3 folders).",
        subcommands = {TextTokenizerEncodeCommand.class, TextTokenizerDecodeCommand.class, TextTokenizerTrainCommand.class})
public final class TextTokenizerCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final InputStream stdin;

    public TextTokenizerCommand() {
        this(System.in);
    }

    /** For tests and embedding: the subcommands read this instead of System.in. */
    public TextTokenizerCommand(InputStream stdin) {
        this.stdin = stdin;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand: encode, decode or train");
    }

    String readStdin() {
        try {
            return new String(stdin.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new TokenizerException("cannot read stdin: " + e.getMessage(), e);
        }
    }

    /** Loads --tokenizer; a file that cannot be used is an argument error. */
    static TextTokenizer load(CommandLine cmd, Path path) {
        try {
            return TextTokenizers.load(path);
        } catch (TokenizerException e) {
            throw new CommandLine.ParameterException(cmd, "--tokenizer: " + e.getMessage(), e, null, path.toString());
        }
    }
}
