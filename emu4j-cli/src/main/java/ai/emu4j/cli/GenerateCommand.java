package ai.emu4j.cli;

import ai.emu4j.api.Emu3Model;
import ai.emu4j.api.GeneratedImage;
import ai.emu4j.api.ImageListener;
import ai.emu4j.api.ImageRequest;
import ai.emu4j.models.vq.MediaFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
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
 * unbatched log-softmax CFG against the negative prompt), through {@link Emu3Model}. The parameters go to
 * stdout and into each PNG's text chunks, so an image can be regenerated from its file alone.
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
        try (Emu3Model m = Emu3Model.of(modelOptions.open())) {
            Emu3Model.ImageTokensShape grid;
            try {
                grid = m.gridFor(ratio);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(cmd, "--ratio: " + e.getMessage());
            }
            ImageRequest request = new ImageRequest(prompt, negative, cfg, seed, sampling.topK(DEFAULT_TOP_K), sampling.topP(),
                    sampling.temperature(1f), ratio, count);
            int px = m.spatialFactor();
            Map<String, String> params = new LinkedHashMap<>();
            params.put("prompt", prompt);
            params.put("negative_prompt", negative);
            params.put("seed", Long.toString(seed));
            params.put("cfg_scale", Float.toString(cfg));
            params.put("top_k", Integer.toString(request.topK()));
            params.put("top_p", Float.toString(request.topP()));
            params.put("temperature", Float.toString(request.temperature()));
            params.put("ratio", ratio);
            params.put("grid", grid.rows() + "x" + grid.cols());
            params.put("size", grid.cols() * px + "x" + grid.rows() * px);
            params.put("count", Integer.toString(count));
            params.put("model", m.bundle().folder().toAbsolutePath().toString());
            params.forEach((k, v) -> out.println(k + ": " + v));
            out.flush();
            ProgressBar[] bar = {null};
            try {
                m.generateImages(request, new ImageListener() {
                    @Override
                    public void started(int index, int rows, int cols, long s) {
                        bar[0] = Progress.bar(err, "image " + (index + 1) + "/" + count, rows, "rows");
                    }

                    @Override
                    public void row(int index, int y, int[] codes) {
                        bar[0].step();
                    }

                    @Override
                    public void finished(int index, GeneratedImage image) {
                        bar[0].close();
                        bar[0] = null;
                        Path file = index == 0 ? first : outputFile(cmd, index);
                        Map<String, String> text = new LinkedHashMap<>(params);
                        text.putAll(image.parameters());
                        text.put("model", params.get("model"));   // the folder, so the file says which model drew it
                        text.remove("count");
                        text.put("Software", Main.VERSION);
                        try {
                            MediaFiles.writePng(image.image(), text, file);
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                        out.println("wrote " + file);
                        out.flush();
                    }
                }, null);
            } catch (UncheckedIOException e) {
                throw e.getCause();
            } finally {
                if (bar[0] != null) bar[0].close();
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
