package ai.emu4j.cli;

import ai.emu4j.core.tensor.Tensor;
import ai.emu4j.models.vq.RgbImage;
import ai.emu4j.models.vq.VQImages;
import ai.emu4j.models.vq.VQMetrics;
import ai.emu4j.train.vq.ImageFolder;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code emu4j tokenizer eval --data DIR --model DIR}: reconstructs every PNG/JPEG under DIR at the
 * model's input size and reports mean PSNR and SSIM against the resized input, codebook usage (the
 * fraction of codes used at least once over the folder) and perplexity (exp of the code entropy).
 */
@Command(name = "eval", mixinStandardHelpOptions = true, description = "PSNR, SSIM, codebook usage and perplexity over a folder of images.")
final class TokenizerEvalCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--data", required = true, description = "Folder of images (recursive).")
    Path data;

    @Option(names = "--model", required = true, description = "Tokenizer folder.")
    Path model;

    @Option(names = "--split", description = "Only the images of this manifest split (train, val, test) of --data.")
    String split;

    @Option(names = "--json", description = "Print one JSON object instead of a table.")
    boolean json;

    @Mixin
    MediaOptions budget;

    @Override
    public Integer call() throws Exception {
        List<Path> files = ImageFolder.list(data, split);
        try (TokenizerIO.Model m = TokenizerIO.load(model)) {
            long[] hits = new long[m.vq().config().codebook_size()];
            double psnr = 0, ssim = 0;
            for (Path f : files) {
                RgbImage original = m.processor().resize(VQImages.read(f, budget.maxPixels));
                TokenizerIO.Media media = new TokenizerIO.Media(List.of(original), false);
                Tensor codes = TokenizerIO.encode(m, media);
                for (int c : codes.toIntArray()) hits[c]++;
                RgbImage rec = TokenizerIO.decode(m, codes, false).getFirst();
                psnr += VQMetrics.psnr(original, rec);
                ssim += VQMetrics.ssim(original, rec);
            }
            int n = files.size();
            long used = Arrays.stream(hits).filter(h -> h > 0).count();
            print(n, psnr / n, ssim / n, used, hits.length, VQMetrics.perplexity(hits));
        }
        return 0;
    }

    private void print(int n, double psnr, double ssim, long used, int size, double perplexity) throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            ObjectMapper mapper = new ObjectMapper();
            ObjectNode o = mapper.createObjectNode();
            o.put("images", n);
            if (Double.isInfinite(psnr)) o.put("psnr", "inf");   // JSON has no infinity; only identical images get here
            else o.put("psnr", psnr);
            o.put("ssim", ssim);
            o.put("codes_used", used);
            o.put("codebook_size", size);
            o.put("usage", used / (double) size);
            o.put("perplexity", perplexity);
            out.println(mapper.writeValueAsString(o));
        } else {
            out.printf(Locale.ROOT, "%-16s %12s%n", "metric", "value");
            out.printf(Locale.ROOT, "%-16s %12d%n", "images", n);
            out.printf(Locale.ROOT, "%-16s %12.3f%n", "psnr_db", psnr);
            out.printf(Locale.ROOT, "%-16s %12.4f%n", "ssim", ssim);
            out.printf(Locale.ROOT, "%-16s %12s%n", "usage", String.format(Locale.ROOT, "%.2f%% (%d/%d)", 100.0 * used / size, used, size));
            out.printf(Locale.ROOT, "%-16s %12.2f%n", "perplexity", perplexity);
        }
        out.flush();
    }
}
