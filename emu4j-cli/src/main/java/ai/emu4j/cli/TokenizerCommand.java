package ai.emu4j.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code emu4j tokenizer}: the Emu3 vision tokenizer. Every subcommand takes {@code --model DIR}
 * (config.json + model.safetensors [+ preprocessor_config.json]); errors are one line and a
 * non-zero exit, and a failed command writes nothing at its output path.
 */
@Command(name = "tokenizer", mixinStandardHelpOptions = true,
        description = "Encode, decode, reconstruct, evaluate and train Emu3 vision tokenizers.",
        subcommands = {TokenizerEncodeCommand.class, TokenizerDecodeCommand.class, TokenizerReconstructCommand.class,
                TokenizerEvalCommand.class, TokenizerTrainCommand.class})
public final class TokenizerCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand: encode, decode, reconstruct, eval or train");
    }
}
