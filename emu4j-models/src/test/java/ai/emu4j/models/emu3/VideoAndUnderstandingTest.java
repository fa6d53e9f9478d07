package ai.emu4j.models.emu3;

import ai.emu4j.core.util.Rng;
import ai.emu4j.models.llama.LlamaConfig;
import ai.emu4j.models.llama.LlamaModel;
import ai.emu4j.models.llama.LlamaWeights;
import ai.emu4j.models.sampling.Sampler;
import ai.emu4j.models.tokenizer.BpeTrainer;
import ai.emu4j.models.tokenizer.TextTokenizer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VideoAndUnderstandingTest {
    private static final TextTokenizer TOK;
    private static final VisionTokens TOKENS;
    private static final LlamaModel MODEL;

    static {
        TOK = TinyTokenizers.emu3("a red square moving right, héllo wörld 日本");
        TOKENS = VisionTokens.from(TOK);
        LlamaConfig c = LlamaConfig.small(TOK.vocabSize(), 16, 2, 2, 1, 32, 512);
        MODEL = new LlamaModel(c, LlamaWeights.init(c, new Rng(3)));
    }

    private static final Emu3Processor P = new Emu3Processor(TOK, TOKENS);

    @Test
    void videoFramesAreWellFormedAndExtensionConditionsOnGivenFrames() {
        Emu3Processor.GridSize g = new Emu3Processor.GridSize(2, 3);
        int[] prompt = P.videoPrompt("a red square", 3, g), negative = P.videoPrompt("", 3, g);
        List<Integer> seen = new ArrayList<>();
        var gen = new VideoGenerator(MODEL, TOKENS);
        int[] codes = gen.generate(new VideoGenerator.Request(prompt, negative, 3, 2, 3, 3f, new Sampler(1f, 0, 1f, 9)), (f, c) -> {
            seen.add(f);
            assertEquals(6, c.length);
        }, null);
        assertEquals(18, codes.length);
        assertEquals(List.of(0, 1, 2), seen);
        assertArrayEquals(codes, gen.generate(new VideoGenerator.Request(prompt, negative, 3, 2, 3, 3f, new Sampler(1f, 0, 1f, 9)), null, null));

        // Extension: the same first frame as given context, then one new frame.
        int[] body = TOKENS.imageBlockBody(Arrays.copyOf(codes, 6), 1, 2, 3);
        int[] given = Emu3Processor.concat(P.videoPrompt("a red square", 2, g), Arrays.copyOf(body, body.length - 1));
        int[] next = gen.generate(new VideoGenerator.Request(given, null, 1, 2, 3, 1f, new Sampler(0f, 0, 1f, 0)), null, null);
        assertEquals(6, next.length);
        for (int c : next) assertTrue(c >= 0 && c < 16);
        assertThrows(CancellationException.class, () -> gen.generate(new VideoGenerator.Request(prompt, null, 1, 2, 3, 1f, new Sampler(0f, 0, 1f, 0)),
                null, new AtomicBoolean(true)));
    }

    @Test
    void answerStopsAtEos() {
        // eos listed first gets id 0; with the final norm zeroed every logit is 0 and greedy picks id 0.
        List<String> specials = new ArrayList<>(List.of("<|extra_204|>", "<|endoftext|>", "<|extra_203|>", "<|image token|>", "<|image start|>",
                "<|image end|>", "<|extra_200|>", "<|extra_201|>"));
        for (int c = 0; c < 4; c++) specials.add(VisionTokens.visualTokenName(c));
        BpeTrainer trainer = new BpeTrainer(new BpeTrainer.Options(specials.size() + 256 + 2, specials, "qwen", 1));
        trainer.add("aa bb");
        TextTokenizer tok = BpeTrainer.toTokenizer(trainer.train(m -> {}));
        VisionTokens t = VisionTokens.from(tok);
        assertEquals(0, t.eos());
        LlamaConfig c = LlamaConfig.small(tok.vocabSize(), 16, 1, 2, 1, 32, 64);
        LlamaWeights w = LlamaWeights.init(c, new Rng(1));
        Arrays.fill(w.norm().dataF32(), 0f);
        List<String> pieces = new ArrayList<>();
        int[] answer = new Understanding(new LlamaModel(c, w), t, tok).answer(new Emu3Processor(tok, t).understandingPrompt(new int[0], "aa"),
                new Sampler(0f, 0, 1f, 0), 10, pieces::add, null);
        assertEquals(0, answer.length);
        assertEquals(List.of(), pieces);
    }

    @Test
    void answersStreamWholeCharactersStopAtTheLimitAndNeverEmitCodes() {
        int[] block = P.visualBlock(new int[] {1, 2, 3, 4}, 1, new Emu3Processor.GridSize(2, 2), false);
        int[] prompt = P.understandingPrompt(block, "what is it");
        StringBuilder streamed = new StringBuilder();
        int[] answer = new Understanding(MODEL, TOKENS, TOK).answer(prompt, new Sampler(1f, 0, 1f, 4), 20, streamed::append, null);
        assertTrue(answer.length <= 20);
        for (int id : answer) {
            assertFalse(TOKENS.isVisual(id), "visual code in a text answer");
            assertTrue(id != TOKENS.eos());
        }
        assertEquals(TOK.decode(answer), streamed.toString());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Understanding(MODEL, TOKENS, TOK).answer(prompt, new Sampler(0f, 0, 1f, 0), 600, null, null));
        assertTrue(e.getMessage().contains("512"), e.getMessage());
    }
}
