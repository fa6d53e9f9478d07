package ai.emu4j.cli;

import ai.emu4j.api.ChatMessage;
import ai.emu4j.api.Emu3Model;
import ai.emu4j.api.TextOptions;
import ai.emu4j.models.vq.VQImages;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code emu4j caption IMAGE [-p QUESTION]}: Emu3's mode 'U' through {@link Emu3Model}; the answer streams to stdout as it is generated. */
@Command(name = "caption", mixinStandardHelpOptions = true, description = "Describe an image, or answer a question about it.")
public final class CaptionCommand implements Callable<Integer> {
    static final String DEFAULT_QUESTION = "Describe the image";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "IMAGE", description = "PNG, JPEG, BMP or GIF (first frame).")
    Path image;

    @Option(names = {"-p", "--prompt"}, paramLabel = "QUESTION", defaultValue = DEFAULT_QUESTION,
            description = "Question; the chat template adds a period after it. Default: ${DEFAULT-VALUE}.")
    String question;

    @Option(names = "--max-tokens", paramLabel = "N", defaultValue = "256", description = "Longest answer in tokens; default ${DEFAULT-VALUE}.")
    int maxTokens;

    @Option(names = "--beams", paramLabel = "N", defaultValue = "0",
            description = "Beam search width (needs temperature 0); default 0: the model folder's generation_config.json num_beams, greedy without one.")
    int beams;

    @Mixin
    SamplingOptions sampling;

    @Mixin
    ModelOptions modelOptions;

    @Override
    public Integer call() throws IOException {
        CommandLine cmd = spec.commandLine();
        if (maxTokens < 1) throw new CommandLine.ParameterException(cmd, "--max-tokens must be positive, got " + maxTokens);
        sampling.check(cmd, 0f, 0);
        checkBeams(cmd, beams, sampling);
        PrintWriter out = cmd.getOut();
        var picture = VQImages.read(image);
        try (Emu3Model m = Emu3Model.of(modelOptions.open())) {
            int[] prompt = m.chatPrompt(List.of(ChatMessage.user(question, picture)));
            answer(m, prompt, maxTokens, beams, sampling, out);
        }
        return Main.EXIT_OK;
    }

    /** A bad --beams (or one with sampling) is a usage error, reported before any model is loaded. */
    static void checkBeams(CommandLine cmd, int beams, SamplingOptions sampling) {
        try {
            options(256, beams, sampling);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cmd, e.getMessage().replace("beams", "--beams"));
        }
    }

    private static TextOptions options(int maxTokens, int beams, SamplingOptions sampling) {
        return new TextOptions(maxTokens, sampling.temperature(0f), sampling.topK(0), sampling.topP(), sampling.seed(), beams);
    }

    /** Streams one answer and ends the line; the token limit shrinks to what the context leaves. */
    static void answer(Emu3Model m, int[] prompt, int maxTokens, int beams, SamplingOptions sampling, PrintWriter out) {
        m.answer(prompt, options(maxTokens, beams, sampling), piece -> {
            out.print(piece);
            out.flush();
        }, null);
        out.println();
        out.flush();
    }
}
