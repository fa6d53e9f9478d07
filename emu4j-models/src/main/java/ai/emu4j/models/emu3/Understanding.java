package ai.emu4j.models.emu3;

import ai.emu4j.core.autograd.GradMode;
import ai.emu4j.core.ops.KVCache;
import ai.emu4j.core.ops.Softmax;
import ai.emu4j.core.tensor.Tensor;
import ai.emu4j.models.llama.LlamaModel;
import ai.emu4j.models.sampling.Sampler;
import ai.emu4j.models.tokenizer.TextTokenizer;

import java.util.Arrays;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

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

    /**
     * Beam search (deterministic): the answer whose summed token log-probability, divided by its length
     * (eos included) to the power {@code lengthPenalty}, is highest among the hypotheses the search keeps,
     * as Hugging Face's beam search with {@code early_stopping=False} ranks them. The prompt is prefilled
     * once and its keys and values copied to every beam; each step then runs the beams as one batch and
     * moves each cache row to the hypothesis that extends it. Visual codes are masked as in
     * {@link #answer}. Hugging Face divides by the whole sequence's length, prompt included, for decoder-only
     * models; here only the answer counts, so the penalty does not depend on how long the picture block is.
     */
    public int[] beamSearch(int[] prompt, int beams, float lengthPenalty, int maxNewTokens, AtomicBoolean cancelled) {
        return beamSearch(prompt, beams, lengthPenalty, maxNewTokens, cancelled, null);
    }

    /** What one step of a beam search scored: the next-token log-probabilities after each live hypothesis. */
    record BeamStep(int[][] hypotheses, float[][] logProbs) {}

    /** As above; {@code steps}, when given, sees every step (tests compare it with a search that recomputes each prefix). */
    int[] beamSearch(int[] prompt, int beams, float lengthPenalty, int maxNewTokens, AtomicBoolean cancelled, Consumer<BeamStep> steps) {
        int context = model.config().maxPositionEmbeddings();
        if (beams < 1) throw new IllegalArgumentException("beams must be at least 1, got " + beams);
        if (!Float.isFinite(lengthPenalty)) throw new IllegalArgumentException("length penalty must be finite, got " + lengthPenalty);
        if (maxNewTokens <= 0) throw new IllegalArgumentException("max new tokens must be positive, got " + maxNewTokens);
        if (prompt.length + maxNewTokens > context) {
            throw new IllegalArgumentException("prompt of " + prompt.length + " tokens plus " + maxNewTokens + " new ones exceeds the model's context of " + context + " tokens");
        }
        checkCacheFits(beams, prompt.length + maxNewTokens);
        Beams search = new Beams(beams, lengthPenalty);
        try (var ng = GradMode.noGrad()) {
            KVCache[] one = model.newCaches(1, prompt.length + maxNewTokens);
            float[] first = logProbs(model.logits(last(model.forward(Tensor.ofInts(prompt, 1, prompt.length), 0, one, 0f, null))).toFloatArray());
            KVCache[] caches = new KVCache[one.length];
            for (int l = 0; l < one.length; l++) caches[l] = one[l].repeatRows(beams);
            float[][] scores = {first};                                                    // (live beams, vocab)
            for (int step = 0; step < maxNewTokens; step++) {
                if (cancelled != null && cancelled.get()) throw new CancellationException("generation cancelled");
                if (steps != null) steps.accept(new BeamStep(search.live(), scores));
                int[] next = search.advance(scores, tokens.eos(), step + 1 == maxNewTokens);
                if (next == null) break;
                for (KVCache c : caches) c.reorder(search.parents());
                Tensor h = model.forward(Tensor.ofInts(next, beams, 1), prompt.length + step, caches, 0f, null);   // (beams, 1, dim)
                float[] all = model.logits(h).toFloatArray();                                                        // (beams, 1, vocab)
                int vocab = all.length / beams;
                scores = new float[beams][];
                for (int b = 0; b < beams; b++) scores[b] = logProbs(Arrays.copyOfRange(all, b * vocab, (b + 1) * vocab));
            }
        }
        return search.best();
    }

    /**
     * The beams' caches (plus the one-row prefill cache and the reorder scratch) must fit the heap that is
     * left: a model folder may ask for 64 beams of a long context, and running out of memory halfway would
     * take down whatever else the JVM serves.
     */
    private void checkCacheFits(int beams, int capacity) {
        var c = model.config();
        long perRow = Math.multiplyExact(Math.multiplyExact(2L * c.numHiddenLayers() * c.numKeyValueHeads(), (long) capacity), (long) c.headDim() * Float.BYTES);
        long need = Math.multiplyExact(perRow, 2L * beams + 1);
        Runtime rt = Runtime.getRuntime();
        long left = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
        if (need > left) {
            throw new IllegalArgumentException("beam search with " + beams + " beams over " + capacity + " positions needs " + (need >> 20)
                    + " MiB of key/value cache, more than the " + (left >> 20) + " MiB of heap left; use fewer beams or fewer new tokens");
        }
    }

    /** Log-softmax over the text tokens (visual codes masked). */
    private float[] logProbs(float[] logits) {
        Arrays.fill(logits, tokens.visualBase(), tokens.visualBase() + tokens.codebookSize(), Float.NEGATIVE_INFINITY);
        return Softmax.logSoftmax(Tensor.of(logits, logits.length), -1).toFloatArray();
    }

    private static Tensor last(Tensor h) {
        return h.select(1, h.shape()[1] - 1);
    }
}
