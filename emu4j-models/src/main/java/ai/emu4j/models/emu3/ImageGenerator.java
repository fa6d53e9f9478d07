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
 * Text-to-image decoding as Emu3 does it: the grid structure tokens are forced, the model chooses only
 * among visual codes, and classifier-free guidance runs a second, unbatched forward over the negative
 * prompt with its own KV cache, combined in log-softmax space as g * (lp_cond - lp_uncond) + lp_uncond.
 * <p>
 * Only the visual rows of the LM head are evaluated: restricting both log-softmaxes to the allowed set
 * shifts each by a constant, which the guidance mix, top-k and the final softmax all ignore, so the
 * choice is unchanged while the head costs (codebook / vocab) of the full product.
 */
public final class ImageGenerator {
    /** Receives each finished row of codes as it is generated (progressive preview). */
    @FunctionalInterface
    public interface RowListener {
        void row(int y, int[] codes);
    }

    public record Request(int[] prompt, int[] negativePrompt, int height, int width, float cfgScale, Sampler sampler) {}

    private final LlamaModel model;
    private final VisionTokens tokens;

    public ImageGenerator(LlamaModel model, VisionTokens tokens) {
        this.model = model;
        this.tokens = tokens;
    }

    /** Returns the h*w codes, row-major. A cancelled flag that turns true stops between tokens. */
    public int[] generate(Request r, RowListener listener, AtomicBoolean cancelled) {
        GridConstraint grid = new GridConstraint(tokens, r.height(), r.width());
        boolean guided = r.negativePrompt() != null && r.cfgScale() != 1f;
        Tensor visualHead = model.weights().lmHead().slice(0, tokens.visualBase(), tokens.visualBase() + tokens.codebookSize());
        int[] codes = new int[r.height() * r.width()];
        try (var ng = GradMode.noGrad()) {
            KVCache[] cond = model.newCaches(1, r.prompt().length + grid.length());
            KVCache[] uncond = guided ? model.newCaches(1, r.negativePrompt().length + grid.length()) : null;
            Tensor hc = last(model.forward(ids(r.prompt()), 0, cond, 0f, null));
            Tensor hu = guided ? last(model.forward(ids(r.negativePrompt()), 0, uncond, 0f, null)) : null;
            int rowStart = 0, filled = 0;
            // Past the last row's eol only eof, eoi and eos remain, all forced: no more forwards needed.
            for (int offset = 1; filled < codes.length || rowStart < filled; offset++) {
                if (cancelled != null && cancelled.get()) throw new CancellationException("generation cancelled");
                int token = grid.forced(offset);
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
                } else if (token == tokens.eol()) {
                    if (listener != null) listener.row(rowStart / r.width(), Arrays.copyOfRange(codes, rowStart, filled));
                    rowStart = filled;
                    if (filled == codes.length) break;
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

    /** Hidden state of the last position: (1, T, dim) -> (1, dim). */
    private static Tensor last(Tensor h) {
        return h.select(1, h.shape()[1] - 1);
    }
}
