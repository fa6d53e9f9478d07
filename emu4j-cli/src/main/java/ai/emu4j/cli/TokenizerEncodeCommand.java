package ai.emu4j.cli;

import ai.emu4j.core.tensor.Tensor;
import ai.emu4j.models.vq.RgbImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code emu4j tokenizer encode IMAGE|VIDEO --model DIR -o codes.json}. */
@Command(name = "encode", mixinStandardHelpOptions = true,
        description = "Encode an image, an animated GIF or a folder of numbered frames to codes.json.")
final class TokenizerEncodeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "INPUT", description = "Image (PNG/JPEG/...), animated GIF, or folder of numbered frames.")
    Path input;

    @Option(names = "--model", required = true, description = "Tokenizer folder.")
    Path model;

    @Option(names = {"-o", "--output"}, required = true, description = "codes.json to write.")
    Path output;

    @Mixin
    MediaOptions budget;

    @Override
    public Integer call() throws Exception {
        try (TokenizerIO.Model m = TokenizerIO.load(model)) {
            TokenizerIO.Media media = TokenizerIO.read(input, budget.maxFrames, budget.maxPixels);
            Tensor codes = TokenizerIO.encode(m, media);
            RgbImage first = media.frames().getFirst();
            RgbImage sized = m.processor().resize(first);
            String json = TokenizerCodes.toJson(codes, media.video(), media.frames().size(), model.toString(), input.toString(),
                    new int[] {first.height(), first.width()}, new int[] {sized.height(), sized.width()});
            TokenizerIO.atomically(output, t -> Files.writeString(t, json));
            int[] g = codes.shape();
            spec.commandLine().getErr().println("wrote " + output + ": grid " + g[0] + "x" + g[1] + "x" + g[2] + " from " + media.frames().size() + " frame(s)");
        }
        return 0;
    }
}
