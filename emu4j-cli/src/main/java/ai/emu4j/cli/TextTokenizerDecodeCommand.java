package ai.emu4j.cli;

import ai.emu4j.models.tokenizer.TokenizerException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Reads a JSON array of ids from stdin and prints the text, with no newline added, so encode|decode is the identity. */
@Command(name = "decode", mixinStandardHelpOptions = true,
        description = "Read a JSON array of token ids from stdin and print the text they stand for.")
public final class TextTokenizerDecodeCommand implements Callable<Integer> {
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
        int[] ids = parseIds(parent.readStdin());
        PrintWriter out = spec.commandLine().getOut();
        out.print(tok.decode(ids));
        out.flush();
        return 0;
    }

    static int[] parseIds(String text) {
        JsonNode a;
        try {
            a = new ObjectMapper().readTree(text);
        } catch (JsonProcessingException e) {
            throw new TokenizerException("stdin: expected a JSON array of token ids: " + e.getOriginalMessage(), e);
        }
        if (a == null || !a.isArray()) throw new TokenizerException("stdin: expected a JSON array of token ids");
        int[] ids = new int[a.size()];
        for (int i = 0; i < ids.length; i++) {
            JsonNode n = a.get(i);
            if (!n.isIntegralNumber() || !n.canConvertToInt()) throw new TokenizerException("stdin: element " + i + " (" + n + ") is not a token id");
            ids[i] = n.asInt();
        }
        return ids;
    }
}
