package ai.emu4j.cli;

import ai.emu4j.data.Images;
import ai.emu4j.data.judge.MotionTracker;
import ai.emu4j.data.judge.Track;
import ai.emu4j.data.sprites.Direction;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "sprites", mixinStandardHelpOptions = true,
        description = "Track the object of a clip (animated GIF) and report its motion direction; with --caption or --expected, whether it matches.")
public final class JudgeSpritesCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "animated GIF")
    Path file;

    @Option(names = {"-c", "--caption"}, description = "caption ending in \"moving left|right|up|down\"")
    String caption;

    @Option(names = {"-e", "--expected"}, description = "expected direction: left, right, up, down or still")
    String expected;

    @Override
    public Integer call() throws IOException {
        Direction want = want();
        Track t = MotionTracker.track(Images.readFrames(file));
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("file", file.toString());
        r.put("frames", t.cx().length);
        r.put("direction", t.direction().word());
        r.put("vx", t.vx());
        r.put("vy", t.vy());
        r.put("consistency", t.consistency());
        if (want != null) {
            r.put("expected", want.word());
            r.put("correct", want == t.direction());
        }
        JudgeCommand.print(spec.commandLine(), r);
        return 0;
    }

    private Direction want() {
        if (caption != null && expected != null) throw new CommandLine.ParameterException(spec.commandLine(), "give --caption or --expected, not both");
        if (expected != null) {
            try {
                return Direction.parse(expected);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--expected must be left, right, up, down or still: " + expected);
            }
        }
        if (caption == null) return null;
        Direction d = Direction.ofCaption(caption);
        if (d == null) throw new CommandLine.ParameterException(spec.commandLine(), "--caption names no direction (\"moving left|right|up|down\"): " + caption);
        return d;
    }
}
