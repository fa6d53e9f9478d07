package ai.emu4j.cli;

import ai.emu4j.api.Emu3Model;
import ai.emu4j.models.emu3.Emu3Bundle;
import ai.emu4j.models.vq.VQImages;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code emu4j chat [--image IMG]}: a read-answer loop over stdin lines, answers streamed to stdout.
 * Emu3's chat template is single-turn, so each line is answered about the current image alone.
 * {@code /image PATH} switches the image, {@code /text} drops it, {@code /quit} (or end of input) ends.
 * The "> " prompt is printed only on a terminal, so piped transcripts stay clean.
 */
@Command(name = "chat", mixinStandardHelpOptions = true, description = "Ask questions about an image (or chat without one), one line per turn.")
public final class ChatCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--image", paramLabel = "IMG", description = "Image the questions are about.")
    Path image;

    @Option(names = "--max-tokens", paramLabel = "N", defaultValue = "256", description = "Longest answer in tokens; default ${DEFAULT-VALUE}.")
    int maxTokens;

    @Option(names = "--beams", paramLabel = "N", defaultValue = "0",
            description = "Beam search width (needs temperature 0); default 0: the model folder's generation_config.json num_beams, greedy without one.")
    int beams;

    @Mixin
    SamplingOptions sampling;

    @Mixin
    ModelOptions modelOptions;

    private final InputStream stdin;

    public ChatCommand() {
        this(System.in);
    }

    /** For tests and embedding: reads turns from this stream instead of System.in. */
    public ChatCommand(InputStream stdin) {
        this.stdin = stdin;
    }

    @Override
    public Integer call() throws IOException {
        CommandLine cmd = spec.commandLine();
        if (maxTokens < 1) throw new CommandLine.ParameterException(cmd, "--max-tokens must be positive, got " + maxTokens);
        sampling.check(cmd, 0f, 0);
        CaptionCommand.checkBeams(cmd, beams, sampling);
        PrintWriter out = cmd.getOut(), err = cmd.getErr();
        boolean tty = System.console() != null && stdin == System.in;
        try (Emu3Model m = Emu3Model.of(modelOptions.open())) {
            Emu3Bundle b = m.bundle();
            int[] block = image == null ? new int[0] : b.encodeImage(VQImages.read(image)).block(b.processor());
            BufferedReader in = new BufferedReader(new InputStreamReader(stdin, StandardCharsets.UTF_8));
            while (true) {
                if (tty) {
                    out.print("> ");
                    out.flush();
                }
                String line = in.readLine();
                if (line == null || line.strip().equals("/quit")) break;
                line = line.strip();
                if (line.isEmpty()) continue;
                if (line.startsWith("/image ")) {
                    Path p = Path.of(line.substring(7).strip());
                    try {
                        block = b.encodeImage(VQImages.read(p)).block(b.processor());
                        err.println("image: " + p);
                    } catch (IOException e) {
                        err.println("emu4j: error: " + e.getMessage());
                    }
                    err.flush();
                    continue;
                }
                if (line.equals("/text")) {
                    block = new int[0];
                    continue;
                }
                int[] prompt = b.processor().understandingPrompt(block, line);
                try {
                    CaptionCommand.answer(m, prompt, maxTokens, beams, sampling, out);
                } catch (IllegalArgumentException e) {
                    // A turn that does not fit is reported and the session goes on.
                    err.println("emu4j: error: " + e.getMessage());
                    err.flush();
                }
            }
        }
        return Main.EXIT_OK;
    }
}
