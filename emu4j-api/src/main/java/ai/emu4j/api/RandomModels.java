package ai.emu4j.api;

import ai.emu4j.core.io.SafeTensorsWriter;
import ai.emu4j.core.tensor.DType;
import ai.emu4j.core.util.Rng;
import ai.emu4j.models.emu3.Emu3Bundle;
import ai.emu4j.models.emu3.Emu3Processor;
import ai.emu4j.models.emu3.SpecialNames;
import ai.emu4j.models.emu3.VisionTokens;
import ai.emu4j.models.llama.LlamaConfig;
import ai.emu4j.models.llama.LlamaWeights;
import ai.emu4j.models.tokenizer.BpeTrainer;
import ai.emu4j.models.vq.RandomVQ;
import ai.emu4j.models.vq.VQConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Writes a complete model folder with random weights: a small BPE tokenizer (Emu3's special tokens plus one
 * token per visual code), an untrained Llama and a random vision tokenizer in {@code vision_tokenizer/}. Its
 * pictures are noise and its answers gibberish, but every code path runs, so tests and load tests need no
 * download or training.
 */
public final class RandomModels {
    /** hidden width, layers, image side in pixels, codebook size and context; the image is side x side at spatial factor 4. */
    public record Size(int hidden, int layers, int imageSide, int codebook, int context) {
        /** 32 wide, 2 layers, 32 x 32 pixels (8 x 8 codes): milliseconds per image. */
        public static final Size TINY = new Size(32, 2, 32, 16, 512);
        /** 128 wide, 4 layers, 64 x 64 pixels (16 x 16 codes): a load-test model with visible row-by-row progress. */
        public static final Size SMALL = new Size(128, 4, 64, 64, 1024);
    }

    private RandomModels() {}

    public static Path write(Path dir, Size size, long seed) throws IOException {
        List<String> specials = new ArrayList<>(SpecialNames.EMU3.all());
        for (int c = 0; c < size.codebook(); c++) specials.add(VisionTokens.visualTokenName(c));
        int vocab = specials.size() + 256 + 64;
        BpeTrainer t = new BpeTrainer(new BpeTrainer.Options(vocab, specials, "qwen", 1));
        for (String s : List.of("a red circle", "a blue square", "a green triangle on white", Emu3Processor.DEFAULT_CHAT_TEMPLATE, "Describe the image")) {
            t.add(s);
        }
        Files.createDirectories(dir);
        BpeTrainer.writeAtomically(dir.resolve("tokenizer.json"), BpeTrainer.toTokenizerJson(t.train(m -> {})));
        int heads = Math.max(2, size.hidden() / 32);
        Files.writeString(dir.resolve("config.json"), "{\"hidden_size\": " + size.hidden() + ", \"num_hidden_layers\": " + size.layers()
                + ", \"num_attention_heads\": " + heads + ", \"num_key_value_heads\": 1, \"intermediate_size\": " + 2 * size.hidden()
                + ", \"vocab_size\": " + vocab + ", \"max_position_embeddings\": " + size.context()
                + ", \"rms_norm_eps\": 1e-5, \"rope_theta\": 10000.0, \"image_area\": " + (long) size.imageSide() * size.imageSide() + "}");
        LlamaConfig c = LlamaConfig.read(dir.resolve("config.json"));
        SafeTensorsWriter w = new SafeTensorsWriter();
        LlamaWeights.init(c, new Rng(seed)).named().forEach((n, x) -> w.addFloats(n, DType.F32, Arrays.stream(x.shape()).asLongStream().toArray(), x.dataF32()));
        w.write(dir.resolve("model.safetensors"));
        VQConfig vq = new VQConfig(32, new int[] {1, 1, 1}, 1, new int[] {}, size.codebook(), 4, 4, false, 3, 3, 4, 0.0);
        RandomVQ.write(vq, dir.resolve(Emu3Bundle.VISION_SUBFOLDER), seed + 1);
        return dir;
    }
}
