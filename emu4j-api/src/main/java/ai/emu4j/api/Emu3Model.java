package ai.emu4j.api;

import ai.emu4j.models.emu3.Emu3Bundle;
import ai.emu4j.models.emu3.Emu3Processor;
import ai.emu4j.models.emu3.EncodedVisual;
import ai.emu4j.models.emu3.GridConstraint;
import ai.emu4j.models.emu3.ImageGenerator;
import ai.emu4j.models.emu3.Understanding;
import ai.emu4j.models.emu3.VideoGenerator;
import ai.emu4j.models.sampling.Sampler;
import ai.emu4j.models.vq.RgbImage;

import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An Emu3-style model loaded from a folder (config.json, safetensors, tokenizer, vision tokenizer in
 * {@code vision_tokenizer/}). Thread-safe: compute calls take turns on one lock (the kernels already use
 * every core), so callers that want a queue with a bound build it on top (the server does). Close it to
 * unmap the weights.
 *
 * <pre>{@code
 * try (Emu3Model model = Emu3Model.load(Path.of("models/emu4j-demo"))) {
 *     GeneratedImage img = model.generateImage(ImageRequest.of("a red circle").withSeed(42));
 *     Files.write(Path.of("circle.png"), img.png());
 *     System.out.println(model.caption(img.image(), "Describe the image").text());
 * }
 * }</pre>
 */
public final class Emu3Model implements AutoCloseable {
    private final Emu3Bundle bundle;
    private final String name;
    private final ReentrantLock compute = new ReentrantLock();
    private volatile boolean closed;

    private Emu3Model(Emu3Bundle bundle) {
        this.bundle = bundle;
        Path file = bundle.folder().toAbsolutePath().normalize().getFileName();
        this.name = file == null ? "emu4j" : file.toString();
    }

    public static Emu3Model load(Path folder) throws IOException {
        return load(folder, null);
    }

    /** @param visionTokenizer the vision tokenizer folder, or null for {@code folder/vision_tokenizer} */
    public static Emu3Model load(Path folder, Path visionTokenizer) throws IOException {
        return new Emu3Model(Emu3Bundle.load(folder, visionTokenizer));
    }

    /** Wraps a bundle loaded elsewhere; closing the model closes it. */
    public static Emu3Model of(Emu3Bundle bundle) {
        return new Emu3Model(bundle);
    }

    /** The model folder's name, used as the model id. */
    public String name() {
        return name;
    }

    public Emu3Bundle bundle() {
        return bundle;
    }

    public int contextLength() {
        return bundle.contextLength();
    }

    /** Pixels per code side (8 for Emu3). */
    public int spatialFactor() {
        return bundle.vq().config().spatialFactor();
    }

    /** The code grid generated for a ratio "W:H"; throws IllegalArgumentException for a bad ratio. */
    public ImageTokensShape gridFor(String aspectRatio) {
        Emu3Processor.GridSize g = bundle.gridFor(aspectRatio);
        return new ImageTokensShape(g.height(), g.width());
    }

    /** Rows and columns of codes. */
    public record ImageTokensShape(int rows, int cols) {
        /** Tokens generated for one such image: rows of (cols codes + eol), then eof, eoi, eos. */
        public long generatedTokens() {
            return (long) rows * (cols + 1) + 3;
        }
    }

    /** Tokens of a generation prompt (text plus the image header) for this text and ratio. */
    public int imagePromptTokens(String text, String aspectRatio) {
        return bundle.processor().generationPrompt(text, bundle.gridFor(aspectRatio)).length;
    }

    // ---- image generation ----

    /** The first image of the request (n is ignored beyond 1). */
    public GeneratedImage generateImage(ImageRequest request) {
        return generateImages(request.withCount(1), ImageListener.NONE, null).getFirst();
    }

    /**
     * Generates request.n() images one after another (seeds seed, seed + 1, ...), reporting rows and
     * previews to the listener. Throws CancellationException when cancelled, IllegalArgumentException when
     * the ratio is bad or the prompt and image do not fit the context.
     */
    public List<GeneratedImage> generateImages(ImageRequest r, ImageListener listener, Cancellation cancel) {
        ImageListener l = listener == null ? ImageListener.NONE : listener;
        Emu3Processor.GridSize grid = bundle.gridFor(r.aspectRatio());
        int[] ids = bundle.processor().generationPrompt(r.prompt(), grid);
        int[] negIds = bundle.processor().generationPrompt(r.negativePrompt(), grid);
        int generated = new GridConstraint(bundle.tokens(), grid.height(), grid.width()).length();
        bundle.checkFits(ids.length, generated);
        bundle.checkFits(negIds.length, generated);
        long seed = r.seed() != null ? r.seed() : new SecureRandom().nextLong() & Long.MAX_VALUE;
        int px = spatialFactor();
        Map<String, String> params = new LinkedHashMap<>();
        params.put("prompt", r.prompt());
        params.put("negative_prompt", r.negativePrompt());
        params.put("cfg_scale", Float.toString(r.cfgScale()));
        params.put("top_k", Integer.toString(r.topK()));
        params.put("top_p", Float.toString(r.topP()));
        params.put("temperature", Float.toString(r.temperature()));
        params.put("ratio", r.aspectRatio());
        params.put("grid", grid.height() + "x" + grid.width());
        params.put("size", grid.width() * px + "x" + grid.height() * px);
        params.put("model", name);
        params.put("Software", "emu4j 0.1.0");
        ImageGenerator gen = new ImageGenerator(bundle.model(), bundle.tokens());
        List<GeneratedImage> out = new ArrayList<>();
        int every = Math.max(0, l.previewEveryRows());
        for (int i = 0; i < r.n(); i++) {
            long s = seed + i;
            int index = i;
            l.started(i, grid.height(), grid.width(), s);
            int[] codes;
            int[] partial = new int[grid.height() * grid.width()];
            ImageGenerator.Request req = new ImageGenerator.Request(ids, negIds, grid.height(), grid.width(), r.cfgScale(),
                    new Sampler(r.temperature(), r.topK(), r.topP(), s));
            compute.lock();
            try {
                ensureOpen();
                codes = gen.generate(req, (y, row) -> {
                    l.row(index, y, row);
                    System.arraycopy(row, 0, partial, y * grid.width(), row.length);
                    int done = y + 1;
                    if (every > 0 && done < grid.height() && done % every == 0) {
                        RgbImage preview = bundle.decodeImage(Arrays.copyOf(partial, done * grid.width()), new Emu3Processor.GridSize(done, grid.width()));
                        l.preview(index, done, grid.height(), preview);
                    }
                }, cancel == null ? null : cancel.flag());
                Map<String, String> p = new LinkedHashMap<>(params);
                p.put("seed", Long.toString(s));
                GeneratedImage img = new GeneratedImage(bundle.decodeImage(codes, grid), new ImageTokens(codes, grid.height(), grid.width()), s, p);
                out.add(img);
            } finally {
                compute.unlock();
            }
            l.finished(i, out.getLast());
        }
        return out;
    }

    // ---- video ----

    /**
     * A clip of latentFrames latent frames drawn from r.prompt(), with r's guidance, sampling, seed and
     * aspect ratio (r.n() is not used). Throws IllegalArgumentException when it does not fit the context.
     */
    public GeneratedVideo generateVideo(ImageRequest r, int latentFrames, Cancellation cancel) {
        Emu3Processor.GridSize grid = bundle.gridFor(r.aspectRatio());
        Emu3Processor p = bundle.processor();
        return video(r, p.videoPrompt(r.prompt(), latentFrames, grid), p.videoPrompt(r.negativePrompt(), latentFrames, grid),
                grid, new int[0], 0, latentFrames, cancel);
    }

    /**
     * Continues a clip by latentFrames latent frames, r.prompt() being its caption (r's aspect ratio is
     * not used: the clip's own size is). The given pictures must be a positive multiple of the vision
     * tokenizer's temporal factor and of one size.
     */
    public GeneratedVideo extendVideo(List<RgbImage> given, ImageRequest r, int latentFrames, Cancellation cancel) {
        EncodedVisual v;
        compute.lock();
        try {
            ensureOpen();
            v = bundle.encodeVideo(given);
        } finally {
            compute.unlock();
        }
        Emu3Bundle.ExtensionPrompts p = bundle.extensionPrompts(r.prompt(), r.negativePrompt(), v, latentFrames);
        return video(r, p.prompt(), p.negative(), v.grid(), v.codes(), v.frames(), latentFrames, cancel);
    }

    private GeneratedVideo video(ImageRequest r, int[] prompt, int[] negative, Emu3Processor.GridSize grid, int[] givenCodes, int givenLatents,
                                 int latentFrames, Cancellation cancel) {
        long seed = r.seed() != null ? r.seed() : new SecureRandom().nextLong() & Long.MAX_VALUE;
        var request = new VideoGenerator.Request(prompt, negative, latentFrames, grid.height(), grid.width(), r.cfgScale(),
                new Sampler(r.temperature(), r.topK(), r.topP(), seed));
        long length = request.length() + 2;   // the frames, then eoi eos
        bundle.checkFits(prompt.length, length);
        bundle.checkFits(negative.length, length);
        compute.lock();
        try {
            ensureOpen();
            int[] codes = new VideoGenerator(bundle.model(), bundle.tokens()).generate(request, null, cancel == null ? null : cancel.flag());
            int[] all = Arrays.copyOf(givenCodes, givenCodes.length + codes.length);
            System.arraycopy(codes, 0, all, givenCodes.length, codes.length);
            int latents = givenLatents + latentFrames;
            List<RgbImage> pictures = bundle.decodeVideo(all, latents, grid);
            int tdf = bundle.vq().config().temporal_downsample_factor();
            return new GeneratedVideo(pictures, givenLatents * tdf, all, latents, grid.height(), grid.width(), seed);
        } finally {
            compute.unlock();
        }
    }

    // ---- understanding ----

    public TextResult caption(RgbImage image, String question) {
        return chat(List.of(ChatMessage.user(question, image)), TextOptions.DEFAULT, TokenListener.NONE, null);
    }

    public TextResult caption(RgbImage image, String question, TextOptions options, TokenListener listener, Cancellation cancel) {
        return chat(List.of(ChatMessage.user(question, image)), options, listener, cancel);
    }

    public TextResult chat(List<ChatMessage> messages) {
        return chat(messages, TextOptions.DEFAULT, TokenListener.NONE, null);
    }

    public TextResult chat(List<ChatMessage> messages, TextOptions options, TokenListener listener, Cancellation cancel) {
        return answer(chatPrompt(messages), options, listener, cancel);
    }

    /**
     * The prompt for a conversation. Emu3's chat template has one user slot, so the images of every turn
     * (in order) go into its image slot and the turns into its text slot: {@code q1. ASSISTANT: a1 USER: q2}.
     * System turns are dropped (the template carries its own). Encodes the images (vision tokenizer work).
     */
    public int[] chatPrompt(List<ChatMessage> messages) {
        if (messages.isEmpty()) throw new IllegalArgumentException("a conversation needs at least one message");
        List<int[]> blocks = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        for (ChatMessage m : messages) {
            if (m.role().equals("system")) continue;
            for (RgbImage image : m.images()) {
                ImageTokens t = encode(image);
                blocks.add(bundle.processor().visualBlock(t.codes(), 1, new Emu3Processor.GridSize(t.rows(), t.cols()), false));
            }
            if (m.role().equals("assistant")) {
                text.append(". ASSISTANT: ").append(m.text().strip());
            } else {
                if (!text.isEmpty()) text.append(" USER: ");
                text.append(m.text().strip());
            }
        }
        int n = blocks.stream().mapToInt(b -> b.length).sum();
        int[] block = new int[n];
        int k = 0;
        for (int[] b : blocks) {
            System.arraycopy(b, 0, block, k, b.length);
            k += b.length;
        }
        return bundle.processor().understandingPrompt(block, text.toString());
    }

    /**
     * Decodes an answer after a prompt (from {@link #chatPrompt}); the leading space after "ASSISTANT:" is
     * dropped. Beam search (see {@link TextOptions}) streams its answer in one piece when it ends.
     */
    public TextResult answer(int[] prompt, TextOptions options, TokenListener listener, Cancellation cancel) {
        TokenListener l = listener == null ? TokenListener.NONE : listener;
        bundle.checkFits(prompt.length + 1, 0);
        int room = Math.min(options.maxTokens(), bundle.contextLength() - prompt.length);
        long seed = options.seed() != null ? options.seed() : new SecureRandom().nextLong() & Long.MAX_VALUE;
        int beams = beams(options);
        boolean[] started = {false};
        StringBuilder text = new StringBuilder();
        Understanding.TextListener pieces = piece -> {
            String t = started[0] ? piece : piece.stripLeading();
            if (t.isEmpty()) return;
            started[0] = true;
            text.append(t);
            l.text(t);
        };
        int[] tokens;
        compute.lock();
        try {
            ensureOpen();
            Understanding u = new Understanding(bundle.model(), bundle.tokens(), bundle.tokenizer());
            AtomicBoolean flag = cancel == null ? null : cancel.flag();
            if (beams > 1) {
                tokens = u.beamSearch(prompt, beams, bundle.decoding().length_penalty(), room, flag);
                pieces.text(bundle.tokenizer().decode(tokens));
            } else {
                tokens = u.answer(prompt, new Sampler(options.temperature(), options.topK(), options.topP(), seed), room, pieces, flag);
            }
        } finally {
            compute.unlock();
        }
        return new TextResult(text.toString(), prompt.length, tokens.length, tokens.length >= room ? "length" : "stop");
    }

    /** The beam width an answer decodes with: the one asked for, else (when deterministic) the model folder's. */
    private int beams(TextOptions options) {
        return options.temperature() == 0 ? bundle.decoding().beams(options.beams()) : 1;
    }

    // ---- tokenizers ----

    /** Vision tokenizer codes of an image (resized to the model's image area as the processor says). */
    public ImageTokens encode(RgbImage image) {
        compute.lock();
        try {
            ensureOpen();
            var e = bundle.encodeImage(image);
            return new ImageTokens(e.codes(), e.grid().height(), e.grid().width());
        } finally {
            compute.unlock();
        }
    }

    /** The picture of a code grid. */
    public RgbImage decode(ImageTokens tokens) {
        compute.lock();
        try {
            ensureOpen();
            return bundle.decodeImage(tokens.codes(), new Emu3Processor.GridSize(tokens.rows(), tokens.cols()));
        } finally {
            compute.unlock();
        }
    }

    public int codebookSize() {
        return bundle.tokens().codebookSize();
    }

    /** Text token ids (no bos). */
    public int[] encodeText(String text) {
        return bundle.tokenizer().encode(text);
    }

    public String decodeText(int[] ids) {
        return bundle.tokenizer().decode(ids);
    }

    private void ensureOpen() {
        if (closed) throw new IllegalStateException("model is closed");
    }

    @Override
    public void close() {
        compute.lock();
        try {
            if (closed) return;
            closed = true;
            bundle.close();
        } finally {
            compute.unlock();
        }
    }
}
