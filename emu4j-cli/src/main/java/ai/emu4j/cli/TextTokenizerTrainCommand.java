package ai.emu4j.cli;

import ai.emu4j.models.emu3.SpecialNames;
import ai.emu4j.models.emu3.VisionTokens;
import ai.emu4j.models.tokenizer.BpeTrainer;
import ai.emu4j.models.tokenizer.TokenizerException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Trains a byte-level BPE on text files and writes tokenizer.json. Each input file is read whole (memory:
 * about twice its size while it is counted).
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Train a byte-level BPE on text files and write a Hugging Face tokenizer.json.")
public final class TextTokenizerTrainCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-i", "--input"}, required = true, arity = "1..*", paramLabel = "FILE", description = "UTF-8 text files")
    List<Path> inputs;

    @Option(names = "--vocab-size", required = true, paramLabel = "N", description = "vocabulary size, special and 256 byte tokens included")
    int vocabSize;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE", description = "where to write tokenizer.json (replaced atomically)")
    Path output;

    @Option(names = "--special", paramLabel = "TOKEN", description = "special token, repeatable; ids 0, 1, ... in the order given")
    List<String> specials = new ArrayList<>();

    @Option(names = "--visual-tokens", defaultValue = "0", paramLabel = "N",
            description = "also add Emu3's special tokens and <|visual token 000000|> .. for N codes (a vision tokenizer's codebook size), "
                    + "after any --special, so the result can drive `emu4j train lm`; default ${DEFAULT-VALUE}")
    int visualTokens;

    @Option(names = "--pattern", defaultValue = "gpt2", paramLabel = "NAME",
            description = "pre-tokenizer regex: gpt2 (ByteLevel) or qwen (Split, digits one by one); default ${DEFAULT-VALUE}")
    String pattern;

    @Option(names = "--min-frequency", defaultValue = "2", paramLabel = "N", description = "stop when no pair occurs this often; default ${DEFAULT-VALUE}")
    int minFrequency;

    @Override
    public Integer call() {
        CommandLine cmd = spec.commandLine();
        if (!pattern.equals("gpt2") && !pattern.equals("qwen")) throw new CommandLine.ParameterException(cmd, "--pattern must be gpt2 or qwen, not " + pattern);
        if (visualTokens < 0 || visualTokens > 1 << 20) throw new CommandLine.ParameterException(cmd, "--visual-tokens must be in [0, 1048576], got " + visualTokens);
        List<String> allSpecials = new ArrayList<>(specials);
        if (visualTokens > 0) {
            for (String s : SpecialNames.EMU3.all()) if (!allSpecials.contains(s)) allSpecials.add(s);
            for (int c = 0; c < visualTokens; c++) allSpecials.add(VisionTokens.visualTokenName(c));
        }
        BpeTrainer trainer;
        try {
            trainer = new BpeTrainer(new BpeTrainer.Options(vocabSize, allSpecials, pattern, minFrequency));
        } catch (TokenizerException e) {
            throw new CommandLine.ParameterException(cmd, e.getMessage());
        }
        PrintWriter err = cmd.getErr();
        for (Path in : inputs) {
            String text;
            try {
                text = Files.readString(in);
            } catch (CharacterCodingException e) {
                throw new CommandLine.ParameterException(cmd, "--input " + in + ": not UTF-8 text");
            } catch (IOException e) {
                throw new CommandLine.ParameterException(cmd, "--input " + in + ": cannot read (" + e.getMessage() + ")");
            }
            trainer.add(text);
            err.println("read " + in + " (" + text.length() + " chars)");
            err.flush();
        }
        BpeTrainer.Model model = trainer.train(msg -> {
            err.println(msg);
            err.flush();
        });
        try {
            BpeTrainer.writeAtomically(output, BpeTrainer.toTokenizerJson(model));
        } catch (IOException e) {
            throw new TokenizerException("cannot write " + output + ": " + e.getMessage(), e);
        }
        err.println("wrote " + output + " (" + model.vocab().size() + " tokens, " + model.merges().size() + " merges)");
        err.flush();
        return 0;
    }
}
