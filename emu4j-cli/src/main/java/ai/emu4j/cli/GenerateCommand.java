package ai.emu4j.cli;

import ai.emu4j.models.emu3.Emu3Bundle;
import ai.emu4j.models.emu3.Emu3Processor;
import ai.emu4j.models.emu3.GridConstraint;
import ai.emu4j.models.emu3.ImageGenerator;
import ai.emu4j.models.vq.MediaFiles;
import ai.emu4j.models.vq.RgbImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.IllegalFormatException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code emu4j generate}: text to image as Emu3 does it (mode 'G' prompt, forced grid structure,
 * unbatched log-softmax CFG against the negative prompt). The parameters go to stdout and into each
 * PNG's text chunks, so an image can be regenerated from its file alone.
 */
@Command(name = "generate", mixinStandardHelpOptions = true, description = "Generate images from a text prompt.")
public final class GenerateCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-p", "--prompt"}, required = true, paramLabel = "TEXT", description = "What to draw.")
    String prompt;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE",
            description = "PNG to write; with -n > 1, out.png becomes out-1.png, out-2.png.., or give a printf pattern such as out-%%03d.png.")
    String output;

    @Option(names = "--negative", paramLabel = "TEXT", defaultValue = "",
            description = "Negative prompt for classifier-free guidance; default empty (the unconditional prompt our models learn via caption dropout).")
    String negative;

    @Option(names = "--cfg", paramLabel = "S", defaultValue = "3.0", description = "Guidance scale; 1 disables guidance. Default ${DEFAULT-VALUE} (Emu3's demo).")
    float cfg;

    @Option(names = "--ratio", paramLabel = "W:H", defaultValue = "1:1", description = "Aspect ratio; the area is the model's image_area. Default ${DEFAULT-VALUE}.")
    String ratio;

    @Option(names = {"-n", "--count"}, paramLabel = "COUNT", defaultValue = "1", description = "Images to generate, seeds seed, seed+1, ...")
    int count;

    @Mixin
    SamplingOptions sampling;

    @Mixin
    ModelOptions modelOptions;

    static final int DEFAULT_TOP_K = 2048;
    static final int MAX_COUNT = 10000;

    @Override
    public Integer call() throws IOException {
        CommandLine cmd = spec.commandLine();
        if (count < 1 || count > MAX_COUNT) throw new CommandLine.ParameterException(cmd, "-n must be in 1.." + MAX_COUNT + ", got " + count);
        if (!(cfg >= 0) || Float.isInfinite(cfg)) throw new CommandLine.ParameterException(cmd, "--cfg must be a finite number >= 0, got " + cfg);
        sampling.check(cmd, 1f, DEFAULT_TOP_K);
        Path first = outputFile(cmd, 0);
        ModelOptions.checkOutputFolder(cmd, first);
        long seed = sampling.seed();
        PrintWriter out = cmd.getOut(), err = cmd.getErr();
        try (Emu3Bundle b = modelOptions.open()) {
            Emu3Processor.GridSize grid;
            try {
                grid = b.gridFor(ratio);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(cmd, "--ratio: " + e.getMessage());
            }
            int[] ids = b.processor().generationPrompt(prompt, grid);
            int[] negIds = b.processor().generationPrompt(negative, grid);
            int generated = new GridConstraint(b.tokens(), grid.height(), grid.width()).length();
            b.checkFits(ids.length, generated);
            b.checkFits(negIds.length, generated);
            int topK = sampling.topK(DEFAULT_TOP_K);
            int px = b.vq().config().spatialFactor();
            Map<String, String> params = new LinkedHashMap<>();
            params.put("prompt", prompt);
            params.put("negative_prompt", negative);
            params.put("seed", Long.toString(seed));
            params.put("cfg_scale", Float.toString(cfg));
            params.put("top_k", Integer.toString(topK));
            params.put("top_p", Float.toString(sampling.topP()));
            params.put("temperature", Float.toString(sampling.temperature(1f)));
            params.put("ratio", ratio);
            params.put("grid", grid.height() + "x" + grid.width());
            params.put("size", grid.width() * px + "x" + grid.height() * px);
            params.put("count", Integer.toString(count));
            params.put("model", b.folder().toAbsolutePath().toString());
            params.forEach((k, v) -> out.println(k + ": " + v));
            out.flush();
            ImageGenerator gen = new ImageGenerator(b.model(), b.tokens());
            for (int i = 0; i < count; i++) {
                Path file = i == 0 ? first : outputFile(cmd, i);
                long s = seed + i;
                int[] codes;
                try (ProgressBar bar = Progress.bar(err, "image " + (i + 1) + "/" + count, grid.height(), "rows")) {
                    codes = gen.generate(new ImageGenerator.Request(ids, negIds, grid.height(), grid.width(), cfg, sampling.sampler(1f, topK, s)),
                            (y, row) -> bar.step(), null);
                }
                RgbImage img = b.decodeImage(codes, grid);
                Map<String, String> text = new LinkedHashMap<>(params);
                text.put("seed", Long.toString(s));
                text.remove("count");
                text.put("Software", Main.VERSION);
                MediaFiles.writePng(img, text, file);
                out.println("wrote " + file);
                out.flush();
            }
        }
        return Main.EXIT_OK;
    }

    /** out.png -> out-1.png.. when several; a pattern with % is formatted with the 1-based index. */
    private Path outputFile(CommandLine cmd, int index) {
        if (output.contains("%")) {
            try {
                return Path.of(String.format(Locale.ROOT, output, index + 1));
            } catch (IllegalFormatException e) {
                throw new CommandLine.ParameterException(cmd, "-o: '" + output + "' is not a valid printf pattern for one integer (" + e.getMessage() + ")");
            }
        }
        if (count == 1) return Path.of(output);
        int dot = output.lastIndexOf('.'), slash = output.lastIndexOf('/');
        return dot > slash + 1 ? Path.of(output.substring(0, dot) + "-" + (index + 1) + output.substring(dot)) : Path.of(output + "-" + (index + 1));
    }
}
