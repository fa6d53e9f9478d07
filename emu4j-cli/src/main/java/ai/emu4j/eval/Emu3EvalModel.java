package ai.emu4j.eval;

import ai.emu4j.core.autograd.GradMode;
import ai.emu4j.core.ops.KVCache;
import ai.emu4j.core.ops.Softmax;
import ai.emu4j.core.tensor.Tensor;
import ai.emu4j.models.emu3.Decoding;
import ai.emu4j.models.emu3.Emu3Bundle;
import ai.emu4j.models.emu3.Emu3Processor;
import ai.emu4j.models.emu3.EncodedVisual;
import ai.emu4j.models.emu3.ImageGenerator;
import ai.emu4j.models.emu3.Understanding;
import ai.emu4j.models.emu3.VideoGenerator;
import ai.emu4j.models.llama.LlamaModel;
import ai.emu4j.models.sampling.Sampler;
import ai.emu4j.models.vq.RgbImage;
import java.util.Arrays;
import java.util.List;

/**
 * An Emu3 bundle behind {@link EvalModel}, sampling as {@code emu4j generate} and {@code video extend} do
 * (CFG against the empty prompt; temperature 1 and every code allowed unless told otherwise) and answering as {@code emu4j caption}
 * does (greedy, or beam search when the model folder's generation_config.json or {@code --beams} asks for it; visual codes
 * masked). Images are generated square at the model's image_area.
 */
public final class Emu3EvalModel implements EvalModel {
    private final Emu3Bundle bundle;
    private final float cfg, temperature;
    private final int topK, beams;
    private final String question;
    private final Emu3Processor.GridSize grid;

    /**
     * Generation samples at this temperature from the topK likeliest codes (0: all), as {@code generate --temperature --top-k};
     * captions decode with this beam width (0: the model's generation_config.json, as {@code caption --beams}).
     */
    public Emu3EvalModel(Emu3Bundle bundle, float cfg, String question, float temperature, int topK, int beams) {
        if (beams < 0 || beams > Decoding.MAX_BEAMS) throw new IllegalArgumentException("beams must be 0.." + Decoding.MAX_BEAMS + ", got " + beams);
        this.bundle = bundle;
        this.beams = bundle.decoding().beams(beams);
        this.cfg = cfg;
        this.temperature = temperature;
        this.topK = topK;
        this.question = question;
        this.grid = bundle.gridFor("1:1");
    }

    @Override
    public int codebookSize() {
        return bundle.tokens().codebookSize();
    }

    @Override
    public int temporalFactor() {
        return bundle.vq().config().temporal_downsample_factor();
    }

    @Override
    public Reconstruction reconstruct(RgbImage image) {
        EncodedVisual v = bundle.encodeImage(image);
        return new Reconstruction(bundle.imageProcessor().resize(image), bundle.decodeImage(v.codes(), v.grid()), v.codes(),
                v.grid().height(), v.grid().width());
    }

    @Override
    public RgbImage generate(String caption, long seed) {
        Emu3Processor p = bundle.processor();
        var request = new ImageGenerator.Request(p.generationPrompt(caption, grid), p.generationPrompt("", grid), grid.height(), grid.width(),
                cfg, sampler(seed));
        return bundle.decodeImage(new ImageGenerator(bundle.model(), bundle.tokens()).generate(request, null, null), grid);
    }

    /** The beam width captions decode with (1: greedy). */
    public int captionBeams() {
        return beams;
    }

    @Override
    public String captionDecoding() {
        return beams > 1 ? "caption, " + beams + " beams" : "greedy caption";
    }

    @Override
    public String caption(RgbImage image, int maxTokens) {
        int[] prompt = understandingPrompt(image);
        int room = Math.min(maxTokens, bundle.contextLength() - prompt.length);
        Understanding u = new Understanding(bundle.model(), bundle.tokens(), bundle.tokenizer());
        int[] answer = beams > 1 ? u.beamSearch(prompt, beams, bundle.decoding().length_penalty(), room, null)
                : u.answer(prompt, new Sampler(0f, 0, 1f, 0), room, null, null);
        return bundle.tokenizer().decode(answer).strip();
    }

    /**
     * The prompt runs once; each answer then reuses its KV cache (truncated back to the prompt) and costs
     * one forward of its own tokens but the last. Visual codes are masked as in {@link Understanding}.
     */
    @Override
    public double[] answerLogLikelihoods(RgbImage image, List<String> answers) {
        int[] prompt = understandingPrompt(image);
        int[][] ids = answers.stream().map(a -> bundle.tokenizer().encode(" " + a)).toArray(int[][]::new);
        int longest = Arrays.stream(ids).mapToInt(a -> a.length).max().orElse(0);
        bundle.checkFits(prompt.length, longest);
        LlamaModel model = bundle.model();
        double[] out = new double[ids.length];
        try (var ng = GradMode.noGrad()) {
            KVCache[] caches = model.newCaches(1, prompt.length + longest);
            Tensor h = model.forward(Tensor.ofInts(prompt, 1, prompt.length), 0, caches, 0f, null);
            float[] first = logProbs(h.select(1, prompt.length - 1))[0];
            for (int i = 0; i < ids.length; i++) {
                int[] a = ids[i];
                double lp = first[a[0]];
                if (a.length > 1) {
                    for (KVCache c : caches) c.truncate(prompt.length);
                    Tensor hs = model.forward(Tensor.ofInts(Arrays.copyOf(a, a.length - 1), 1, a.length - 1), prompt.length, caches, 0f, null);
                    float[][] rows = logProbs(hs.select(0, 0));
                    for (int t = 1; t < a.length; t++) lp += rows[t - 1][a[t]];
                }
                out[i] = lp;
            }
        }
        return out;
    }

    @Override
    public List<RgbImage> extend(String caption, List<RgbImage> given, int newFrames, long seed) {
        int tdf = temporalFactor();
        if (given.isEmpty() || given.size() % tdf != 0 || newFrames <= 0 || newFrames % tdf != 0) {
            throw new IllegalArgumentException("given and new frames must be positive multiples of " + tdf + ", got " + given.size() + " and " + newFrames);
        }
        EncodedVisual v = bundle.encodeVideo(given);
        int latents = newFrames / tdf, total = v.frames() + latents;
        Emu3Bundle.ExtensionPrompts p = bundle.extensionPrompts(caption, "", v, latents);
        var request = new VideoGenerator.Request(p.prompt(), p.negative(), latents, v.grid().height(), v.grid().width(), cfg, sampler(seed));
        bundle.checkFits(p.prompt().length, request.length() + 2);
        int[] codes = new VideoGenerator(bundle.model(), bundle.tokens()).generate(request, null, null);
        List<RgbImage> all = bundle.decodeVideo(concat(v.codes(), codes), total, v.grid());
        return all.subList(all.size() - newFrames, all.size());
    }

    private Sampler sampler(long seed) {
        return new Sampler(temperature, topK, 1f, seed);
    }

    private int[] understandingPrompt(RgbImage image) {
        return bundle.processor().understandingPrompt(bundle.encodeImage(image).block(bundle.processor()), question);
    }

    /** Log-softmax over the non-visual vocabulary of each row of hidden states (rows, dim). */
    private float[][] logProbs(Tensor hidden) {
        float[] logits = bundle.model().logits(hidden).toFloatArray();
        int vocab = bundle.model().config().vocabSize(), rows = logits.length / vocab;
        int v0 = bundle.tokens().visualBase(), v1 = v0 + bundle.tokens().codebookSize();
        float[][] out = new float[rows][];
        for (int r = 0; r < rows; r++) {
            float[] row = Arrays.copyOfRange(logits, r * vocab, (r + 1) * vocab);
            Arrays.fill(row, v0, v1, Float.NEGATIVE_INFINITY);
            out[r] = Softmax.logSoftmax(Tensor.of(row, vocab), -1).toFloatArray();
        }
        return out;
    }

    private static int[] concat(int[] a, int[] b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
