package ai.emu4j.models.emu3;

import ai.emu4j.core.autograd.GradMode;
import ai.emu4j.core.ops.KVCache;
import ai.emu4j.core.tensor.Tensor;
import ai.emu4j.models.llama.LlamaModel;
import ai.emu4j.models.sampling.Sampler;
import ai.emu4j.models.tokenizer.TextTokenizer;

import java.util.Arrays;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Emu3's mode 'U' decoding (captioning, VQA, chat): from a prompt built by
 * {@link Emu3Processor#understandingPrompt}, tokens are chosen greedily or sampled until eos or the
 * token limit, and streamed to a listener as text. The answer is text, so visual codes are masked out
 * (a sampled code would print as {@code <|visual token ...|>}); Emu3-Chat leaves them unmasked but
 * essentially never picks them, so this changes only degenerate outputs.
 */
public final class Understanding {
    /** Receives the answer piece by piece; pieces always end on a whole UTF-8 character. */
    @FunctionalInterface
    public interface TextListener {
        void text(String piece);
    }

    private final LlamaModel model;
    private final VisionTokens tokens;
    private final TextTokenizer tokenizer;

    public Understanding(LlamaModel model, VisionTokens tokens, TextTokenizer tokenizer) {
        this.model = model;
        this.tokens = tokens;
        this.tokenizer = tokenizer;
    }

    /** The answer's token ids (eos excluded). At most maxNewTokens are generated; the prompt plus those must fit the context. */
    public int[] answer(int[] prompt, Sampler sampler, int maxNewTokens, TextListener listener, AtomicBoolean cancelled) {
        int context = model.config().maxPositionEmbeddings();
        if (maxNewTokens <= 0) throw new IllegalArgumentException("max new tokens must be positive, got " + maxNewTokens);
        if (prompt.length + maxNewTokens > context) {
            throw new IllegalArgumentException("prompt of " + prompt.length + " tokens plus " + maxNewTokens + " new ones exceeds the model's context of " + context + " tokens");
        }
        int[] out = new int[maxNewTokens];
        int n = 0, emitted = 0;
        try (var ng = GradMode.noGrad()) {
            KVCache[] caches = model.newCaches(1, prompt.length + maxNewTokens);
            Tensor h = last(model.forward(Tensor.ofInts(prompt, 1, prompt.length), 0, caches, 0f, null));
            while (n < maxNewTokens) {
                if (cancelled != null && cancelled.get()) throw new CancellationException("generation cancelled");
                float[] scores = model.logits(h).toFloatArray();                              // (vocab)
                Arrays.fill(scores, tokens.visualBase(), tokens.visualBase() + tokens.codebookSize(), Float.NEGATIVE_INFINITY);
                int token = sampler.sample(scores);
                if (token == tokens.eos()) break;
                out[n++] = token;
                if (listener != null) {
                    // Re-decoding the whole answer is O(n^2) bytes but keeps multi-byte characters intact
                    // across token boundaries; answers are short. A trailing U+FFFD may be an unfinished character.
                    String text = tokenizer.decode(Arrays.copyOf(out, n));
                    int end = text.endsWith("\uFFFD") ? text.length() - 1 : text.length();
                    if (end > emitted) {
                        listener.text(text.substring(emitted, end));
                        emitted = end;
                    }
                }
                if (n < maxNewTokens) h = last(model.forward(Tensor.ofInts(new int[] {token}, 1, 1), prompt.length + n - 1, caches, 0f, null));
            }
        }
        int[] answer = Arrays.copyOf(out, n);
        if (listener != null) {
            String text = tokenizer.decode(answer);
            if (text.length() > emitted) listener.text(text.substring(emitted));
        }
        return answer;
    }

    private static Tensor last(Tensor h) {
        return h.select(1, h.shape()[1] - 1);
    }
}
