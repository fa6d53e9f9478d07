package ai.emu4j.models.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BpeTrainerTest {
    private static BpeTrainer.Model trainFixture(String pattern) throws IOException {
        BpeTrainer t = new BpeTrainer(new BpeTrainer.Options(700, List.of("<|endoftext|>", "<|pad|>"), pattern, 2));
        t.add(Files.readString(Fixtures.path("trained/train.txt")));
        return t.train(null);
    }

    /**
     * The committed tokenizer.json was written by `emu4j text-tokenizer train` with these options and read by
     * @huggingface/tokenizers in the fixture script: retraining must give the same bytes, and our loader the
     * same ids as the JavaScript loader on the whole corpus.
     */
    @ParameterizedTest
    @ValueSource(strings = {"gpt2", "qwen"})
    void trainedTokenizerIsDeterministicAndMatchesHuggingFaceJs(String pattern) throws IOException {
        BpeTrainer.Model model = trainFixture(pattern);
        assertEquals(700, model.vocab().size());
        String json = BpeTrainer.toTokenizerJson(model);
        assertEquals(Files.readString(Fixtures.path("trained/" + pattern + "/tokenizer.json")), json, "retrained tokenizer.json differs from the committed one");
        JsonNode ids = new ObjectMapper().readTree(Fixtures.path("trained/" + pattern + "/ids.json").toFile()).get("ids");
        BpeTokenizer tok = HfTokenizerJson.load(Fixtures.path("trained/" + pattern + "/tokenizer.json"));
        assertEquals("", Fixtures.compare(tok, ids));
        assertEquals(0, tok.requireTokenId("<|endoftext|>"));
        assertEquals("", Fixtures.compare(BpeTrainer.toTokenizer(model), ids));
        assertArrayEquals(new int[] {1}, tok.encode("<|pad|>"));
    }

    @Test
    void qwenPatternNeverLearnsMultiDigitTokens() throws IOException {
        BpeTrainer.Model model = trainFixture("qwen");
        for (String token : model.vocab().keySet()) {
            assertTrue(token.chars().filter(Character::isDigit).count() <= 1 || token.startsWith("<|"), token);
        }
    }

    @Test
    void tiesBreakTowardsSmallerIdsAndCountsWin() {
        BpeTrainer t = new BpeTrainer(new BpeTrainer.Options(256 + 3, List.of(), "gpt2", 1));
        t.add("ab ab ab cd cd xy");
        BpeTrainer.Model m = t.train(null);
        // Pairs: a b x3; Ġ a, Ġ c, c d x2; Ġ x, x y x1. After "ab", three pairs tie at 2 and the smallest
        // (left id, right id) wins: c < Ġ in code-point order, so "cd"; then Ġ+ab (id 256) before Ġ+cd (257).
        assertEquals(List.of("a b", "c d", "\u0120 ab"), m.merges().stream().map(x -> x[0] + " " + x[1]).toList());
    }

    @Test
    void specialTokensAreNotLearnedFrom() {
        BpeTrainer t = new BpeTrainer(new BpeTrainer.Options(300, List.of("<|sep|>"), "gpt2", 1));
        t.add("<|sep|><|sep|><|sep|> hello hello");
        BpeTrainer.Model m = t.train(null);
        for (String[] merge : m.merges()) assertTrue(!(merge[0] + merge[1]).contains("|"), String.join(" ", merge));
    }

    @Test
    void badOptionsAreErrors() {
        assertThrows(TokenizerException.class, () -> new BpeTrainer.Options(100, List.of(), "gpt2", 2));
        assertThrows(TokenizerException.class, () -> new BpeTrainer.Options(300, List.of("a", "a"), "gpt2", 2));
        assertThrows(TokenizerException.class, () -> new BpeTrainer.Options(300, List.of(), "bert", 2));
        BpeTrainer t = new BpeTrainer(new BpeTrainer.Options(300, List.of(), "gpt2", 2));
        t.add("a b c");
        assertThrows(TokenizerException.class, () -> t.train(null));
    }

    @Test
    void atomicWriteReplacesAndLeavesNoTemporaryFile(@TempDir Path dir) throws IOException {
        Path target = dir.resolve("tokenizer.json");
        Files.writeString(target, "old");
        BpeTrainer.writeAtomically(target, "new");
        assertEquals("new", Files.readString(target));
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count());
        }
    }
}
