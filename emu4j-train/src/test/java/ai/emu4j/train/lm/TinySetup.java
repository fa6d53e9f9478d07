package ai.emu4j.train.lm;

import ai.emu4j.models.emu3.Emu3Processor;
import ai.emu4j.models.vq.RandomVQ;
import ai.emu4j.models.vq.VQConfig;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A self-contained tiny setup: 10 pictures and 2 clips of 16 x 16 pixels, a random 3-level VQ (spatial
 * factor 4, so 4 x 4 grids; 16 codes), and a small BPE over the captions and the chat template.
 */
final class TinySetup {
    static final VQConfig VQ = new VQConfig(32, new int[] {1, 1, 1}, 1, new int[] {}, 16, 4, 4, false, 3, 3, 4, 0.0);

    record Paths(Path data, Path vq, Path tokenizer) {}

    static Paths write(Path dir) throws IOException {
        Path data = dir.resolve("data"), vq = dir.resolve("vq"), tok = dir.resolve("tokenizer.json");
        List<String> texts = new ArrayList<>(SyntheticShapes.write(data, 10, 2, 16, 7));
        texts.add(Emu3Processor.DEFAULT_CHAT_TEMPLATE);
        texts.add("Describe the image");
        RandomVQ.write(VQ, vq, 3);
        SyntheticShapes.writeTokenizer(tok, texts, 120, VQ.codebook_size());
        return new Paths(data, vq, tok);
    }

    static LmOptions options(Paths p, Path output, long steps, boolean resume) {
        return options(p, output, steps, resume, false);
    }

    static LmOptions options(Paths p, Path output, long steps, boolean resume, boolean pack) {
        return options(p, output, steps, resume, pack, null, java.util.Map.of());
    }

    static LmOptions options(Paths p, Path output, long steps, boolean resume, boolean pack, Path init, java.util.Map<String, Double> sourceWeights) {
        return options(p, output, steps, resume, pack, init, sourceWeights, java.util.Map.of());
    }

    static LmOptions options(Paths p, Path output, long steps, boolean resume, boolean pack, Path init, java.util.Map<String, Double> sourceWeights,
                             java.util.Map<String, Integer> views) {
        return new LmOptions(p.data(), p.tokenizer(), p.vq(), output, 32, 2, 2, 1, 64, 192, 10000.0, 0.1f, 256,
                4, 2, steps, 3e-3, 3e-4, 2, 0.01, 0.9, 0.95, 1e-8, 1.0, 0.5f, false, 0.05, 0.0, "both", "Describe the image",
                Emu3Processor.DEFAULT_CHAT_TEMPLATE, pack, init, sourceWeights, views, "random", false, LmOptions.Pairs.OFF, LmOptions.Summary.OFF, 8, resume, 11);
    }
}
