package ai.emu4j.cli;

import ai.emu4j.data.Images;
import ai.emu4j.data.judge.Blob;
import ai.emu4j.data.judge.ShapesJudge;
import ai.emu4j.data.judge.ShapesScore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "shapes", mixinStandardHelpOptions = true,
        description = "Parse a shapes picture and score it against a caption: count, color, shape, size, position (null = not stated), correct.")
public final class JudgeShapesCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "PNG (or any image javax.imageio reads)")
    Path file;

    @Option(names = {"-c", "--caption"}, required = true, description = "e.g. \"a small red circle to the left of a large blue square\"")
    String caption;

    @Override
    public Integer call() throws IOException {
        ShapesScore s = ShapesJudge.score(Images.readRgb(file), caption);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("file", file.toString());
        r.put("caption", caption);
        r.put("correct", s.correct());
        r.put("count", s.count());
        r.put("color", s.color());
        r.put("shape", s.shape());
        r.put("size", s.size());
        r.put("position", s.position());
        List<Map<String, Object>> found = new ArrayList<>();
        for (Blob b : s.detected()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("color", b.color().word());
            m.put("shape", b.shape().word());
            m.put("size", b.size().word());
            m.put("position", b.position().word());
            m.put("x", b.cx());
            m.put("y", b.cy());
            m.put("area", b.area());
            found.add(m);
        }
        r.put("detected", found);
        JudgeCommand.print(spec.commandLine(), r);
        return 0;
    }
}
