package ai.emu4j.models.emu3;

import ai.emu4j.core.autograd.GradMode;
import ai.emu4j.core.ops.KVCache;
import ai.emu4j.core.ops.Linalg;
import ai.emu4j.core.ops.Softmax;
import ai.emu4j.core.tensor.Tensor;
import ai.emu4j.models.llama.LlamaModel;
import ai.emu4j.models.sampling.Sampler;

import java.util.Arrays;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Video as consecutive frame grids ({@link Emu3Processor}'s video block): each latent frame is h rows of
 * (w codes + eol) closed by eof, the structure tokens forced exactly as {@link GridConstraint} forces them
 * within one grid, codes chosen with the same unbatched log-softmax CFG as {@link ImageGenerator}.
 * <p>
 * Generating a clip starts from {@link Emu3Processor#videoPrompt}; extending one starts from the same
 * prompt followed by the given frames' grids (each ending in eof), so the model predicts the next grids
 * conditioned on them. Cost per frame: h*(w+1)+1 forwards of one token (twice with CFG).
 */
public final class VideoGenerator {
    /** Receives each finished frame's codes (h*w, row-major). */
    @FunctionalInterface
    public interface FrameListener {
        void frame(int index, int[] codes);
    }

    /** prompt and negativePrompt end with img or with the last given frame's eof; negativePrompt may be null. */
    public record Request(int[] prompt, int[] negativePrompt, int frames, int height, int width, float cfgScale, Sampler sampler) {
        public Request {
            if (frames <= 0) throw new IllegalArgumentException("frames to generate must be positive, got " + frames);
        }

        /** Tokens the frames take: frames * (h*(w+1) + 1). */
        public long length() {
            return (long) frames * ((long) height * (width + 1) + 1);
        }
    }

    private final LlamaModel model;
    private final VisionTokens tokens;

    public VideoGenerator(LlamaModel model, VisionTokens tokens) {
        this.model = model;
        this.tokens = tokens;
    }

    /** Codes of the new frames, (frames, h, w) row-major. */
    public int[] generate(Request r, FrameListener listener, AtomicBoolean cancelled) {
        GridConstraint grid = new GridConstraint(tokens, r.height(), r.width());
        int frameLength = r.height() * (r.width() + 1) + 1, cells = r.height() * r.width();
        boolean guided = r.negativePrompt() != null && r.cfgScale() != 1f;
        Tensor visualHead = model.weights().lmHead().slice(0, tokens.visualBase(), tokens.visualBase() + tokens.codebookSize());
        int[] codes = new int[r.frames() * cells];
        try (var ng = GradMode.noGrad()) {
            int total = Math.toIntExact(r.length());
            KVCache[] cond = model.newCaches(1, r.prompt().length + total);
            KVCache[] uncond = guided ? model.newCaches(1, r.negativePrompt().length + total) : null;
            Tensor hc = last(model.forward(ids(r.prompt()), 0, cond, 0f, null));
            Tensor hu = guided ? last(model.forward(ids(r.negativePrompt()), 0, uncond, 0f, null)) : null;
            int filled = 0;
            for (int offset = 1; offset <= total; offset++) {
                if (cancelled != null && cancelled.get()) throw new CancellationException("generation cancelled");
                int inFrame = (offset - 1) % frameLength + 1;
                // Within a frame the constraint is one grid's: eol at row ends, eof after the last row.
                int token = grid.forced(inFrame);
                if (token < 0) {
                    float[] scores = Softmax.logSoftmax(Linalg.linear(hc, visualHead, null), -1).toFloatArray();   // (codebook)
                    if (guided) {
                        float[] lu = Softmax.logSoftmax(Linalg.linear(hu, visualHead, null), -1).toFloatArray();
                        float g = r.cfgScale();
                        for (int i = 0; i < scores.length; i++) scores[i] = g * (scores[i] - lu[i]) + lu[i];
                    }
                    int code = r.sampler().sample(scores);
                    codes[filled++] = code;
                    token = tokens.visualId(code);
                } else if (token == tokens.eof()) {
                    int f = filled / cells - 1;
                    if (listener != null) listener.frame(f, Arrays.copyOfRange(codes, f * cells, filled));
                    if (offset == total) break;   // the clip is complete; eoi and eos follow by grammar
                }
                hc = last(model.forward(ids(new int[] {token}), r.prompt().length + offset - 1, cond, 0f, null));
                if (guided) hu = last(model.forward(ids(new int[] {token}), r.negativePrompt().length + offset - 1, uncond, 0f, null));
            }
        }
        return codes;
    }

    private static Tensor ids(int[] v) {
        return Tensor.ofInts(v, 1, v.length);
    }

    private static Tensor last(Tensor h) {
        return h.select(1, h.shape()[1] - 1);
    }
}
