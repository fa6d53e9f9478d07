package ai.emu4j.models.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenizerBehaviourTest {
    private static final String TINY = """
            {"version":"1.0","added_tokens":[{"id":7,"content":"<s>","special":true}],
             "normalizer":null,"pre_tokenizer":{"type":"ByteLevel","add_prefix_space":false,"use_regex":true},
             "decoder":{"type":"ByteLevel"},
             "model":{"type":"BPE","vocab":%s,"merges":%s}}""";

    private static String byteVocab(String... extra) {
        StringBuilder b = new StringBuilder("{");
        for (int i = 0; i < 256; i++) b.append('"').append(jsonChar(ByteLevel.toChar(i))).append("\":").append(i + 8).append(',');
        for (int i = 0; i < extra.length; i++) b.append('"').append(extra[i]).append("\":").append(300 + i).append(',');
        return b.append("\"<s>\":7}").toString();
    }

    private static String jsonChar(char c) {
        return c == '"' || c == '\\' ? "\\" + c : String.valueOf(c);
    }

    @Test
    void zeroMergesIsAnErrorNotAByteFallback() {
        var e = assertThrows(TokenizerException.class, () -> HfTokenizerJson.parse(TINY.formatted(byteVocab(), "[]"), "t.json"));
        assertTrue(e.getMessage().contains("no merges"), e.getMessage());
    }

    @Test
    void malformedAndUnsupportedFilesAreClearErrors() {
        assertMessage("malformed JSON", "{\"model\": ");
        assertMessage("model type \"WordPiece\"", "{\"model\":{\"type\":\"WordPiece\",\"vocab\":{}}}");
        assertMessage("Unigram", "{\"model\":{\"type\":\"Unigram\",\"vocab\":[]}}");
        assertMessage("id 8 given to both", TINY.formatted(byteVocab().replaceFirst("\\{", "{\"dup\":8,"), "[\"a b\"]"));
        assertMessage("not in the vocabulary", TINY.formatted(byteVocab(), "[\"a b\"]"));
        assertMessage("neither", TINY.formatted(byteVocab("ab"), "[[\"a\"]]"));
        assertMessage("not two tokens", TINY.formatted(byteVocab("ab"), "[\"ab\"]"));
        assertMessage("listed twice", TINY.formatted(byteVocab("ab"), "[\"a b\", [\"a\", \"b\"]]"));
        assertMessage("Duplicate field", TINY.formatted(byteVocab("ab").replaceFirst("\\{", "{\"ab\":1,"), "[\"a b\"]"));
        assertMessage("pre_tokenizer \"Whitespace\"", TINY.formatted(byteVocab("ab"), "[\"a b\"]").replace("\"type\":\"ByteLevel\",\"add_prefix_space\"", "\"type\":\"Whitespace\",\"x\""));
        assertMessage("byte_fallback", "{\"model\":{\"type\":\"BPE\",\"byte_fallback\":true,\"vocab\":{},\"merges\":[]}}");
        assertMessage("no token for byte", "{\"pre_tokenizer\":{\"type\":\"ByteLevel\"},\"model\":{\"type\":\"BPE\",\"vocab\":{\"a\":0,\"b\":1,\"ab\":2},\"merges\":[\"a b\"]}}");
    }

    private static void assertMessage(String fragment, String json) {
        var e = assertThrows(TokenizerException.class, () -> HfTokenizerJson.parse(json, "t.json"));
        assertTrue(e.getMessage().contains(fragment), "expected '" + fragment + "' in: " + e.getMessage());
    }

    @Test
    void bothMergeSpellingsGiveTheSameTokenizer() {
        String vocab = byteVocab("ab", "abc");
        BpeTokenizer strings = HfTokenizerJson.parse(TINY.formatted(vocab, "[\"a b\", \"ab c\"]"), "s");
        BpeTokenizer pairs = HfTokenizerJson.parse(TINY.formatted(vocab, "[[\"a\",\"b\"], [\"ab\",\"c\"]]"), "p");
        assertArrayEquals(new int[] {301, 7, 300, 'd' + 8}, strings.encode("abc<s>abd"));
        assertArrayEquals(strings.encode("abc<s>abd"), pairs.encode("abc<s>abd"));
        assertEquals("abc<s>abd", pairs.decode(pairs.encode("abc<s>abd")));
        assertEquals(7, pairs.requireTokenId("<s>"));
    }

    @Test
    void splitBehavioursFollowHuggingFace() {
        Pattern digits = Pattern.compile("\\d");
        assertEquals(List.of("a", "1", "2", "b"), PreTokenizer.split(digits, PreTokenizer.Behavior.ISOLATED, false).split("a12b"));
        assertEquals(List.of("a", "b"), PreTokenizer.split(digits, PreTokenizer.Behavior.REMOVED, false).split("a12b"));
        assertEquals(List.of("a1", "2", "b"), PreTokenizer.split(digits, PreTokenizer.Behavior.MERGED_WITH_PREVIOUS, false).split("a12b"));
        assertEquals(List.of("a", "1", "2b"), PreTokenizer.split(digits, PreTokenizer.Behavior.MERGED_WITH_NEXT, false).split("a12b"));
        assertEquals(List.of("a", "12", "b"), PreTokenizer.split(digits, PreTokenizer.Behavior.CONTIGUOUS, false).split("a12b"));
        assertEquals(List.of("1", "2"), PreTokenizer.split(digits, PreTokenizer.Behavior.REMOVED, true).split("a12b"));
    }

    /** The Java-specific regex points: Unicode \s, (?i:) contractions, \s+(?!\S), digits. */
    @Test
    void patternsBehaveAsInTiktoken() {
        var cl = Patterns.compile(Patterns.CL100K);
        // With Java's default ASCII \s the no-break spaces would join the punctuation alternative as one piece.
        assertEquals(List.of("a", "\u00A0", "\u00A0b"), Patterns.split(cl, "a\u00A0\u00A0b"));
        assertEquals(List.of("x", "\u3000", "\u3000y"), Patterns.split(cl, "x\u3000\u3000y"));
        assertEquals(List.of("I", "'M", " DON", "'T"), Patterns.split(cl, "I'M DON'T"));
        assertEquals(List.of("hello", "  ", " world"), Patterns.split(cl, "hello   world"));
        assertEquals(List.of("123", "456", "7"), Patterns.split(cl, "1234567"));
        assertEquals(List.of("x", "'s"), Patterns.split(Patterns.compile(Patterns.GPT2), "x's"));
        assertEquals(List.of("x", "'", "S"), Patterns.split(Patterns.compile(Patterns.GPT2), "x'S"));
    }

    /** This thread's CPU time: the budgets catch super-linear blow-ups, and wall time would count other processes. */
    private static long cpuNanos() {
        return java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }

    /** A megabyte with no pre-tokenizer break and a long whitespace run: linear-time regex and merging, no stack overflow. */
    @Test
    void longInputsStayFast() {
        TextTokenizer t = TiktokenTokenizer.load(Fixtures.path("cl100k_base.tiktoken.gz"), TiktokenTokenizer.CL100K_SPECIALS, Patterns.CL100K);
        String word = "abcdefghij".repeat(100_000);
        String spaces = " ".repeat(200_000) + "x" + "\n".repeat(100_000);
        long start = cpuNanos();
        int[] ids = t.encode(word);
        assertEquals(word, t.decode(ids));
        assertEquals(spaces, t.decode(t.encode(spaces)));
        long ms = (cpuNanos() - start) / 1_000_000;
        assertTrue(ms < 8000, "took " + ms + " ms");
    }

    /** Runs that make the o200k alternatives backtrack: each match stays linear, so the whole encode is. */
    @Test
    void o200kBacktrackingRunsStayLinear() {
        TextTokenizer t = TextTokenizers.load(Fixtures.path("o200k_base.tiktoken.gz"));
        for (String run : new String[] {"ABCDEFGHIJ".repeat(20_000), "日本語".repeat(50_000), "!?".repeat(100_000),
                "1234567890".repeat(20_000), " \n".repeat(100_000), "aB'S".repeat(50_000)}) {
            long start = cpuNanos();
            assertEquals(run, t.decode(t.encode(run)));
            long ms = (cpuNanos() - start) / 1_000_000;
            assertTrue(ms < 4000, run.substring(0, 8) + "... took " + ms + " ms");
        }
    }

    @Test
    void loadPicksTheEncodingFromTheFileName() {
        TextTokenizer cl = TextTokenizers.load(Fixtures.path("cl100k_base.tiktoken.gz"));
        assertEquals(100277, cl.vocabSize());
        assertEquals(100257, cl.requireTokenId("<|endoftext|>"));
        assertTrue(TextTokenizers.load(Fixtures.path("qwen3/tokenizer.json.gz")) instanceof BpeTokenizer);
        assertTrue(assertThrows(TokenizerException.class, () -> TextTokenizers.load(Fixtures.path("gpt2"))).getMessage().contains("has no tokenizer.json"));
    }

    @Test
    void tiktokenRankFileErrors(@TempDir Path dir) throws IOException {
        Path bad = dir.resolve("x.tiktoken");
        Files.writeString(bad, "YQ== 0\nYQ== 1\n");
        assertTrue(assertThrows(TokenizerException.class, () -> TiktokenTokenizer.readRanks(bad)).getMessage().contains("listed twice"));
        Files.writeString(bad, "YQ== 0\nYg== 0\n");
        assertTrue(assertThrows(TokenizerException.class, () -> TiktokenTokenizer.readRanks(bad)).getMessage().contains("rank 0 already"));
        Files.writeString(bad, "YQ==0\n");
        assertTrue(assertThrows(TokenizerException.class, () -> TiktokenTokenizer.readRanks(bad)).getMessage().contains(":1:"));
        assertTrue(assertThrows(TokenizerException.class, () -> TextTokenizers.load(bad)).getMessage().contains("name it after its encoding"));
    }

    @Test
    void decodeRejectsUnknownIds() {
        TextTokenizer t = HfTokenizerJson.parse(TINY.formatted(byteVocab("ab"), "[\"a b\"]"), "t");
        assertThrows(TokenizerException.class, () -> t.decode(new int[] {5000}));
        assertThrows(TokenizerException.class, () -> t.decode(new int[] {-1}));
    }
}
