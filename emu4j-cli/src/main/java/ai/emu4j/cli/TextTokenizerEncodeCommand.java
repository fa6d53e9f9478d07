package ai.emu4j.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Reads stdin as UTF-8, exactly (a trailing newline is text too), and prints the ids as a JSON array. */
@Command(name = "encode", mixinStandardHelpOptions = true,
        description = "Read text from stdin and print its token ids as a JSON array, like llama.cpp's tokenize tool.")
public final class TextTokenizerEncodeCommand implements Callable<Integer> {
    @CommandLine.ParentCommand
    TextTokenizerCommand parent;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-t", "--tokenizer"}, required = true, paramLabel = "PATH",
            description = "tokenizer.json, a folder with tokenizer.json or vocab.json+merges.txt, a .tiktoken file, or an Emu3 folder")
    Path tokenizer;

    @Override
    public Integer call() {
        var tok = TextTokenizerCommand.load(spec.commandLine(), tokenizer);
        int[] ids = tok.encode(parent.readStdin());
        StringBuilder sb = new StringBuilder(ids.length * 7 + 2).append('[');
        for (int i = 0; i < ids.length; i++) {
            if (i > 0) sb.append(", ");
            sb.append(ids[i]);
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println(sb.append(']'));
        out.flush();
        return 0;
    }
}
