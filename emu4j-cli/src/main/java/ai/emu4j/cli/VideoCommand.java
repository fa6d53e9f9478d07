package ai.emu4j.cli;

import ai.emu4j.models.emu3.Emu3Bundle;
import ai.emu4j.models.emu3.Emu3Processor;
import ai.emu4j.models.emu3.EncodedVisual;
import ai.emu4j.models.emu3.VideoGenerator;
import ai.emu4j.models.vq.MediaFiles;
import ai.emu4j.models.vq.RgbImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code emu4j video generate|extend}: clips as consecutive frame grids (see Emu3Processor for our video
 * prefix, which Emu3 never published). One latent frame is temporal_downsample_factor pictures (Emu3: 4).
 */
@Command(name = "video", mixinStandardHelpOptions = true, description = "Generate a short clip from text, or extend a clip.",
        subcommands = {VideoCommand.Generate.class, VideoCommand.Extend.class})
public final class VideoCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    static final int MAX_FRAMES = 64;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand: generate or extend");
    }

    /** Options both subcommands share. */
    static final class Common {
        @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE", description = "Animated GIF to write.")
        Path output;

        @Option(names = "--frames", paramLabel = "N", defaultValue = "1", description = "Latent frames to generate, each temporal_downsample_factor pictures (Emu3: 4, the demo model: 1); default ${DEFAULT-VALUE}.")
        int frames;

        @Option(names = "--negative", paramLabel = "TEXT", defaultValue = "", description = "Negative prompt for guidance; default empty.")
        String negative;

        @Option(names = "--cfg", paramLabel = "S", defaultValue = "3.0", description = "Guidance scale; 1 disables guidance. Default ${DEFAULT-VALUE}.")
        float cfg;

        @Option(names = "--fps", paramLabel = "N", defaultValue = "8", description = "Pictures per second in the GIF; default ${DEFAULT-VALUE}.")
        int fps;

        @Mixin
        SamplingOptions sampling;

        @Mixin
        ModelOptions modelOptions;

        void check(CommandLine cmd) {
            if (frames < 1 || frames > MAX_FRAMES) throw new CommandLine.ParameterException(cmd, "--frames must be in 1.." + MAX_FRAMES + ", got " + frames);
            if (!(cfg >= 0) || Float.isInfinite(cfg)) throw new CommandLine.ParameterException(cmd, "--cfg must be a finite number >= 0, got " + cfg);
            if (fps < 1 || fps > 100) throw new CommandLine.ParameterException(cmd, "--fps must be in 1..100, got " + fps);
            sampling.check(cmd, 1f, GenerateCommand.DEFAULT_TOP_K);
            ModelOptions.checkOutputFolder(cmd, output);
        }

        /** Generates {@link #frames} after the prompts (which end with img or the given frames), then decodes given + new frames to the GIF. */
        void run(CommandLine cmd, Emu3Bundle b, int[] prompt, int[] negativePrompt, Emu3Processor.GridSize grid, int[] givenCodes, int givenFrames) throws IOException {
            PrintWriter out = cmd.getOut();
            long seed = sampling.seed();
            var request = new VideoGenerator.Request(prompt, negativePrompt, frames, grid.height(), grid.width(), cfg,
                    sampling.sampler(1f, GenerateCommand.DEFAULT_TOP_K, seed));
            long length = request.length() + 2;   // the frames, then eoi eos
            b.checkFits(prompt.length, length);
            b.checkFits(negativePrompt.length, length);
            out.println("seed: " + seed);
            out.println("grid: " + frames + "x" + grid.height() + "x" + grid.width());
            out.println("cfg_scale: " + cfg + ", top_k: " + sampling.topK(GenerateCommand.DEFAULT_TOP_K) + ", top_p: " + sampling.topP()
                    + ", temperature: " + sampling.temperature(1f));
            out.flush();
            int[] codes;
            try (ProgressBar bar = Progress.bar(cmd.getErr(), "video", frames, "frames")) {
                codes = new VideoGenerator(b.model(), b.tokens()).generate(request, (f, c) -> bar.step(), null);
            }
            int[] all = Arrays.copyOf(givenCodes, givenCodes.length + codes.length);
            System.arraycopy(codes, 0, all, givenCodes.length, codes.length);
            List<RgbImage> pictures = b.decodeVideo(all, givenFrames + frames, grid);
            MediaFiles.writeGif(pictures, Math.max(1, Math.round(100f / fps)), output);
            out.println("wrote " + output + " (" + pictures.size() + " frames)");
            out.flush();
        }
    }

    @Command(name = "generate", mixinStandardHelpOptions = true, description = "Generate a clip from a text prompt.")
    static final class Generate implements java.util.concurrent.Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = {"-p", "--prompt"}, required = true, paramLabel = "TEXT", description = "What should happen.")
        String prompt;

        @Option(names = "--ratio", paramLabel = "W:H", defaultValue = "1:1", description = "Aspect ratio at the model's image_area; default ${DEFAULT-VALUE}.")
        String ratio;

        @Mixin
        Common common;

        @Override
        public Integer call() throws IOException {
            CommandLine cmd = spec.commandLine();
            common.check(cmd);
            try (Emu3Bundle b = common.modelOptions.open()) {
                Emu3Processor.GridSize grid;
                try {
                    grid = b.gridFor(ratio);
                } catch (IllegalArgumentException e) {
                    throw new CommandLine.ParameterException(cmd, "--ratio: " + e.getMessage());
                }
                common.run(cmd, b, b.processor().videoPrompt(prompt, common.frames, grid), b.processor().videoPrompt(common.negative, common.frames, grid),
                        grid, new int[0], 0);
            }
            return Main.EXIT_OK;
        }
    }

    /**
     * Extension: the given clip (cut to a multiple of the temporal factor) is encoded, placed in the
     * sequence as the first grids of a longer video ({@link Emu3Bundle#extensionPrompts}), and the model
     * predicts the grids after it.
     */
    @Command(name = "extend", mixinStandardHelpOptions = true, description = "Predict the next frames of a clip.")
    static final class Extend implements java.util.concurrent.Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "IN", description = "Clip to extend (GIF with full frames).")
        Path input;

        @Option(names = {"-p", "--prompt"}, paramLabel = "TEXT", defaultValue = "", description = "Caption of the clip; default empty.")
        String prompt;

        @Mixin
        Common common;

        @Override
        public Integer call() throws IOException {
            CommandLine cmd = spec.commandLine();
            common.check(cmd);
            List<RgbImage> pictures = MediaFiles.readFrames(input);
            try (Emu3Bundle b = common.modelOptions.open()) {
                int tdf = b.vq().config().temporal_downsample_factor(), usable = pictures.size() / tdf * tdf;
                if (usable == 0) throw new IllegalArgumentException(input + ": a clip needs at least " + tdf + " frames to extend, it has " + pictures.size());
                EncodedVisual given = b.encodeVideo(pictures.subList(0, usable));
                Emu3Bundle.ExtensionPrompts p = b.extensionPrompts(prompt, common.negative, given, common.frames);
                common.run(cmd, b, p.prompt(), p.negative(), given.grid(), given.codes(), given.frames());
            }
            return Main.EXIT_OK;
        }
    }
}
