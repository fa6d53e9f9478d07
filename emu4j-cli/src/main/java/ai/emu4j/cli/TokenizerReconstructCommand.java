package ai.emu4j.cli;

import ai.emu4j.models.vq.RgbImage;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code emu4j tokenizer reconstruct IN --model DIR -o OUT}: encode then decode, as the official autoencode.py. */
@Command(name = "reconstruct", mixinStandardHelpOptions = true,
        description = "Encode and decode an image, animated GIF or frame folder; OUT is .png, .gif or a folder.")
final class TokenizerReconstructCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "INPUT")
    Path input;

    @Option(names = "--model", required = true, description = "Tokenizer folder.")
    Path model;

    @Option(names = {"-o", "--output"}, required = true)
    Path output;

    @Mixin
    MediaOptions budget;

    @Override
    public Integer call() throws Exception {
        try (TokenizerIO.Model m = TokenizerIO.load(model)) {
            TokenizerIO.Media media = TokenizerIO.read(input, budget.maxFrames, budget.maxPixels);
            List<RgbImage> frames = TokenizerIO.decode(m, TokenizerIO.encode(m, media), media.video());
            TokenizerIO.writeMedia(frames.subList(0, Math.min(frames.size(), media.frames().size())), output);
            spec.commandLine().getErr().println("wrote " + output);
        }
        return 0;
    }
}
