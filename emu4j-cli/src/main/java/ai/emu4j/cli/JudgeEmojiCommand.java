package ai.emu4j.cli;

import ai.emu4j.data.Images;
import ai.emu4j.data.judge.EmojiHit;
import ai.emu4j.data.judge.EmojiIndex;
import java.awt.image.BufferedImage;
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

@Command(name = "emoji", mixinStandardHelpOptions = true,
        description = "Nearest emoji of the whole dataset to a picture (16x16 RGB feature space); with --expected or --caption, "
                + "the tie-aware rank of the expected emoji and whether it is in the top k.")
public final class JudgeEmojiCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "picture to look up")
    Path file;

    @Option(names = {"-d", "--dataset"}, required = true, paramLabel = "DIR", description = "emoji dataset folder (emu4j data emoji)")
    Path dataset;

    @Option(names = {"-e", "--expected"}, paramLabel = "ID", description = "expected entry id (emoji-noto-1f600) or unified code (1f600, either style)")
    String expected;

    @Option(names = {"-c", "--caption"}, description = "a caption of the dataset: the expected emoji is that entry's (either style)")
    String caption;

    @Option(names = "-k", defaultValue = "5", description = "how many neighbours (default ${DEFAULT-VALUE})")
    int k;

    @Override
    public Integer call() throws IOException {
        DataCommand.positive(spec.commandLine(), "-k", k);
        BufferedImage img = Images.readRgb(file);
        EmojiIndex index = EmojiIndex.build(dataset);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("file", file.toString());
        List<Map<String, Object>> top = new ArrayList<>();
        for (EmojiHit h : index.topK(img, k)) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", h.id());
            m.put("unified", h.unified());
            m.put("style", h.style());
            m.put("distance", h.distance());
            top.add(m);
        }
        r.put("top", top);
        if (caption != null && expected != null) throw new CommandLine.ParameterException(spec.commandLine(), "give --caption or --expected, not both");
        if (caption != null) {
            expected = index.unifiedOfCaption(caption);
            if (expected == null) throw new CommandLine.ParameterException(spec.commandLine(), "--caption is not a caption of " + dataset);
        }
        if (expected != null) {
            int rank = index.rank(img, expected);
            r.put("expected", expected);
            r.put("rank", rank);
            r.put("hit", rank >= 1 && rank <= k);
        }
        JudgeCommand.print(spec.commandLine(), r);
        return 0;
    }
}
