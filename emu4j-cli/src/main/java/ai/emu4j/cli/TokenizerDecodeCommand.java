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

/** {@code emu4j tokenizer decode codes.json --model DIR -o out.png|out.gif|FOLDER}. */
@Command(name = "decode", mixinStandardHelpOptions = true,
        description = "Decode codes.json to an image (.png), an animated GIF (.gif) or a folder of frames.")
final class TokenizerDecodeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "CODES", description = "codes.json from encode.")
    Path input;

    @Option(names = "--model", required = true, description = "Tokenizer folder.")
    Path model;

    @Option(names = {"-o", "--output"}, required = true, description = "out.png, out.gif or a folder name.")
    Path output;

    @Mixin
    MediaOptions budget;

    @Override
    public Integer call() throws Exception {
        try (TokenizerIO.Model m = TokenizerIO.load(model)) {
            TokenizerCodes.Codes c = TokenizerCodes.read(input, m.vq().config().codebook_size(), budget.maxFrames);
            List<RgbImage> frames = TokenizerIO.decode(m, c.codes(), c.video());
            TokenizerIO.writeMedia(frames.subList(0, Math.min(frames.size(), c.frames())), output);
            spec.commandLine().getErr().println("wrote " + output + ": " + Math.min(frames.size(), c.frames()) + " frame(s)");
        }
        return 0;
    }
}
