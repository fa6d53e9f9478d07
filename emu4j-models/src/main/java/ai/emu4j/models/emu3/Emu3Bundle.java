package ai.emu4j.models.emu3;

import ai.emu4j.core.ops.Indexing;
import ai.emu4j.core.tensor.Tensor;
import ai.emu4j.models.llama.LlamaConfig;
import ai.emu4j.models.llama.LlamaLoader;
import ai.emu4j.models.llama.LlamaModel;
import ai.emu4j.models.tokenizer.TextTokenizer;
import ai.emu4j.models.tokenizer.TextTokenizers;
import ai.emu4j.models.vq.Emu3VisionVQ;
import ai.emu4j.models.vq.RgbImage;
import ai.emu4j.models.vq.VQConfig;
import ai.emu4j.models.vq.VQImageProcessor;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * Everything an Emu3-style model needs at inference, from one folder: the LM (config.json, safetensors,
 * sharded or not), its tokenizer (tokenizer.json or Emu3's emu3.tiktoken), and the vision tokenizer from
 * an explicit folder or the {@value #VISION_SUBFOLDER} subfolder. config.json may carry our extra fields:
 * image_area (generation area in pixels, default Emu3-Gen's 518400), chat_template, and the special-token
 * names of {@link SpecialNames}; an optional generation_config.json gives the answer decoding ({@link Decoding}).
 * Close the bundle to unmap both checkpoints.
 */
public record Emu3Bundle(Path folder, JsonNode configJson, LlamaLoader.Loaded lm, TextTokenizer tokenizer, VisionTokens tokens,
                         Emu3Processor processor, Emu3VisionVQ vq, VQImageProcessor imageProcessor, long imageArea,
                         Decoding decoding) implements AutoCloseable {
    public static final String VISION_SUBFOLDER = "vision_tokenizer";

    public static Emu3Bundle load(Path folder) throws IOException {
        return load(folder, null);
    }

    /** @param vqFolder the vision tokenizer, or null for {@code folder/vision_tokenizer} */
    public static Emu3Bundle load(Path folder, Path vqFolder) throws IOException {
        Path configFile = folder.resolve("config.json");
        if (!Files.isRegularFile(configFile)) throw new NoSuchFileException(configFile.toString(), null, "no config.json in the model folder");
        JsonNode json = new ObjectMapper().readTree(configFile.toFile());
        long area = json.has("image_area") ? json.get("image_area").asLong(-1) : Emu3Processor.DEFAULT_IMAGE_AREA;
        if (area <= 0) throw new IOException(configFile + ": image_area must be a positive number of pixels, got " + json.get("image_area"));
        String template = json.hasNonNull("chat_template") ? json.get("chat_template").asText() : Emu3Processor.DEFAULT_CHAT_TEMPLATE;
        Decoding decoding = Decoding.read(folder);
        TextTokenizer tokenizer = TextTokenizers.load(folder);
        VisionTokens tokens;
        Emu3Processor processor;
        try {
            tokens = VisionTokens.from(tokenizer, SpecialNames.fromConfig(json));
            processor = new Emu3Processor(tokenizer, tokens, template);
        } catch (IllegalArgumentException e) {
            throw new IOException(folder + ": " + e.getMessage(), e);
        }
        Path vqDir = vqFolder != null ? vqFolder : folder.resolve(VISION_SUBFOLDER);
        if (!Files.isDirectory(vqDir)) {
            // The hint rides in the file name: callers that print only getFile() still show it.
            throw new NoSuchFileException(vqDir + (vqFolder != null ? " (vision tokenizer folder)"
                    : " (no vision tokenizer: pass --vq DIR or put one in " + VISION_SUBFOLDER + "/ inside the model folder)"));
        }
        LlamaLoader.Loaded lm = LlamaLoader.load(folder);
        Emu3VisionVQ vq = null;
        try {
            LlamaConfig c = lm.model().config();
            long lastId = (long) tokens.visualBase() + tokens.codebookSize();
            if (lastId > c.vocabSize()) throw new IOException(folder + ": the tokenizer's visual tokens reach id " + (lastId - 1) + " but vocab_size is " + c.vocabSize());
            vq = Emu3VisionVQ.load(vqDir);
            if (vq.config().codebook_size() != tokens.codebookSize()) {
                throw new IOException(vqDir + ": codebook of " + vq.config().codebook_size() + " codes, but the tokenizer has " + tokens.codebookSize() + " visual tokens");
            }
            return new Emu3Bundle(folder, json, lm, tokenizer, tokens, processor, vq, imageProcessor(vqDir, vq.config(), area), area, decoding);
        } catch (IOException | RuntimeException e) {
            if (vq != null) vq.close();
            lm.close();
            throw e;
        }
    }

    /**
     * The VQ folder's preprocessor_config.json when it has one (the released tokenizer does); otherwise
     * resizing to about image_area pixels at the VQ's spatial factor, as our own small models are trained.
     */
    public static VQImageProcessor imageProcessor(Path vqDir, VQConfig vq, long imageArea) throws IOException {
        Path pre = vqDir.resolve("preprocessor_config.json");
        if (Files.isRegularFile(pre)) return VQImageProcessor.fromJson(pre);
        VQImageProcessor hub = VQImageProcessor.hub();
        return new VQImageProcessor(true, VQImageProcessor.BICUBIC, true, hub.rescale_factor(), true, hub.image_mean(), hub.image_std(),
                imageArea, imageArea, vq.spatialFactor());
    }

    /** The language model; with a visual summary stem, it finds pictures by {@link PictureSites}. */
    public LlamaModel model() {
        LlamaModel m = lm.model();
        return m.config().visualSummary() ? m.withSummarySites(new PictureSites(tokens)) : m;
    }

    public int contextLength() {
        return model().config().maxPositionEmbeddings();
    }

    /** Fails with both numbers when a prompt and what will be generated after it do not fit the context. */
    public void checkFits(int promptTokens, long generatedTokens) {
        if (promptTokens + generatedTokens > contextLength()) {
            throw new IllegalArgumentException("prompt of " + promptTokens + " tokens" + (generatedTokens > 0 ? " plus " + generatedTokens + " to generate" : "")
                    + " exceeds the model's context of " + contextLength() + " tokens");
        }
    }

    /** The grid for a ratio "W:H" at this model's image area. */
    public Emu3Processor.GridSize gridFor(String ratio) {
        return Emu3Processor.generateSize(ratio, imageArea, vq.config().spatialFactor());
    }

    /** Codes of one image, resized as the processor says. */
    public EncodedVisual encodeImage(RgbImage image) {
        return encodeImage(vq, imageProcessor, image);
    }

    /** Codes of a clip whose frame count is a multiple of the temporal factor; frames are resized independently and must agree in size. */
    public EncodedVisual encodeVideo(List<RgbImage> frames) {
        return encodeVideo(vq, imageProcessor, frames);
    }

    public static EncodedVisual encodeImage(Emu3VisionVQ vq, VQImageProcessor pre, RgbImage image) {
        Tensor codes = vq.encode(pre.preprocess(image));                                   // (1, h, w)
        int[] s = codes.shape();
        return new EncodedVisual(codes.toIntArray(), 1, new Emu3Processor.GridSize(s[1], s[2]), false);
    }

    public static EncodedVisual encodeVideo(Emu3VisionVQ vq, VQImageProcessor pre, List<RgbImage> frames) {
        int tdf = vq.config().temporal_downsample_factor();
        if (frames.isEmpty() || frames.size() % tdf != 0) throw new IllegalArgumentException("a clip needs a positive multiple of " + tdf + " frames, got " + frames.size());
        Tensor[] px = new Tensor[frames.size()];
        for (int i = 0; i < px.length; i++) {
            px[i] = pre.preprocess(frames.get(i)).unsqueeze(0);                          // (1, 3, H, W)
            if (px[i].size(2) != px[0].size(2) || px[i].size(3) != px[0].size(3)) throw new IllegalArgumentException("clip frames differ in size");
        }
        Tensor codes = vq.encode(Indexing.cat(px, 0));                                     // (T', h, w)
        int[] s = codes.shape();
        return new EncodedVisual(codes.toIntArray(), s[0], new Emu3Processor.GridSize(s[1], s[2]), true);
    }

    /** A prompt and a negative prompt that both end with the same given frames. */
    public record ExtensionPrompts(int[] prompt, int[] negative) {}

    /**
     * The prompts that continue a clip by newLatents latent frames: each text's video header for the
     * given plus new frames, then the given frames' tokens without eoi, so the model goes on with the
     * next frame. Both see the same frames, so guidance pushes towards the caption, not away from
     * continuity.
     */
    public ExtensionPrompts extensionPrompts(String caption, String negative, EncodedVisual given, int newLatents) {
        if (newLatents <= 0) throw new IllegalArgumentException("frames to add must be positive, got " + newLatents);
        Emu3Processor.GridSize grid = given.grid();
        int total = Math.addExact(given.frames(), newLatents);
        int[] body = tokens.imageBlockBody(given.codes(), given.frames(), grid.height(), grid.width());
        int[] frames = java.util.Arrays.copyOf(body, body.length - 1);   // drop eoi: the video goes on
        return new ExtensionPrompts(Emu3Processor.concat(processor().videoPrompt(caption, total, grid), frames),
                Emu3Processor.concat(processor().videoPrompt(negative, total, grid), frames));
    }

    public RgbImage decodeImage(int[] codes, Emu3Processor.GridSize grid) {
        return imageProcessor.postprocess(vq.decodeImage(Tensor.ofInts(codes, grid.height(), grid.width())));
    }

    /** Latent frames (T', h, w) to 4 T' pictures. */
    public List<RgbImage> decodeVideo(int[] codes, int frames, Emu3Processor.GridSize grid) {
        Tensor video = vq.decodeVideo(Tensor.ofInts(codes, frames, grid.height(), grid.width()));   // (4T', 3, H, W)
        RgbImage[] out = new RgbImage[video.size(0)];
        for (int i = 0; i < out.length; i++) out[i] = imageProcessor.postprocess(video.select(0, i).contiguous());
        return List.of(out);
    }

    @Override
    public void close() {
        vq.close();
        lm.close();
    }
}
