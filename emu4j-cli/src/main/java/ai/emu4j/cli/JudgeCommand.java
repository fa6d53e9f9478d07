package ai.emu4j.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code emu4j judge}: scores one output file with a model-free judge and prints one JSON object on stdout.
 * The judges themselves live in ai.emu4j.data.judge for programmatic use (emu4j eval).
 */
@Command(name = "judge", mixinStandardHelpOptions = true,
        description = "Score one generated picture or clip without trusting any model: shapes (scene parser), emoji (retrieval), sprites (tracking).",
        subcommands = {JudgeShapesCommand.class, JudgeEmojiCommand.class, JudgeSpritesCommand.class})
public final class JudgeCommand implements Runnable {
    private static final ObjectMapper JSON = new ObjectMapper();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand: shapes, emoji or sprites");
    }

    static void print(CommandLine cmd, Map<String, Object> result) {
        PrintWriter w = cmd.getOut();
        try {
            w.println(JSON.writeValueAsString(result));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        w.flush();
    }
}
