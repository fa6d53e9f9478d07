package ai.emu4j.models.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/** Exact ids against js-tiktoken (cl100k_base, o200k_base, gpt2), gpt-3-encoder and @huggingface/tokenizers. */
class PeerFixtureTest {
    @Test
    void corpusIsLargeAndVaried() {
        assertTrue(Fixtures.corpus().size() >= 200, "corpus has " + Fixtures.corpus().size() + " strings");
    }

    @Test
    void cl100kMatchesJsTiktoken() {
        TextTokenizer t = TiktokenTokenizer.load(Fixtures.path("cl100k_base.tiktoken.gz"), TiktokenTokenizer.CL100K_SPECIALS, Patterns.CL100K);
        assertEquals(100277, t.vocabSize());
        assertEquals("", Fixtures.compare(t, Fixtures.cases().get("cl100k_base")));
    }

    /** Guards the comparison itself: cl100k's ranks with GPT-2's pattern must not pass. */
    @Test
    void wrongPatternIsDetected() {
        TextTokenizer t = TiktokenTokenizer.load(Fixtures.path("cl100k_base.tiktoken.gz"), TiktokenTokenizer.CL100K_SPECIALS, Patterns.GPT2);
        assertTrue(Fixtures.compare(t, Fixtures.cases().get("cl100k_base")).contains("strings differ"));
    }

    @Test
    void o200kMatchesJsTiktoken() {
        TextTokenizer t = TiktokenTokenizer.load(Fixtures.path("o200k_base.tiktoken.gz"), TiktokenTokenizer.O200K_SPECIALS, Patterns.O200K);
        assertEquals(200019, t.vocabSize());
        assertEquals("", Fixtures.compare(t, Fixtures.cases().get("o200k_base")));
    }

    @Test
    void specialTokenTablesMatchJsTiktoken() {
        JsonNode s = Fixtures.cases().get("special_tokens");
        assertEquals(map(s.get("cl100k_base")), TiktokenTokenizer.CL100K_SPECIALS);
        assertEquals(map(s.get("o200k_base")), TiktokenTokenizer.O200K_SPECIALS);
        assertEquals(map(s.get("gpt2")), TiktokenTokenizer.GPT2_SPECIALS);
    }

    @Test
    void gpt2VocabAndMergesMatchGpt3Encoder() {
        BpeTokenizer t = HfTokenizerJson.loadVocabAndMerges(Fixtures.path("gpt2/vocab.json.gz"), Fixtures.path("gpt2/merges.txt.gz"));
        assertEquals(50257, t.vocabSize());
        assertEquals(50000, t.mergeCount());
        assertEquals("", Fixtures.compare(t, Fixtures.cases().get("gpt2")));
    }

    /** GPT-2 rebuilt as a tokenizer.json in both merge spellings; the fixture script checked @huggingface/tokenizers on the same. */
    @Test
    void gpt2TokenizerJsonBothMergeSpellings() throws IOException {
        for (boolean pairs : new boolean[] {true, false}) {
            BpeTokenizer t = HfTokenizerJson.parse(gpt2TokenizerJson(pairs), "gpt2 tokenizer.json");
            assertEquals(50000, t.mergeCount());
            assertEquals("", Fixtures.compare(t, Fixtures.cases().get("gpt2")), pairs ? "pair merges" : "string merges");
        }
    }

    @Test
    void gpt2TokenLookups() {
        BpeTokenizer t = HfTokenizerJson.loadVocabAndMerges(Fixtures.path("gpt2/vocab.json.gz"), Fixtures.path("gpt2/merges.txt.gz"));
        assertEquals(Map.of("<|endoftext|>", 50256), t.specialTokens());
        assertEquals(464, t.requireTokenId("The"));
        assertEquals(262, t.requireTokenId("Ġthe"));
        assertEquals(262, t.requireTokenId(" the"));
    }

    @Test
    void qwenPatternSplitsLikeJavaScript() {
        List<String> corpus = Fixtures.corpus();
        JsonNode pieces = Fixtures.cases().get("qwen_pieces");
        var p = Patterns.compile(Patterns.QWEN);
        int bad = 0;
        StringBuilder report = new StringBuilder();
        for (int i = 0; i < corpus.size(); i++) {
            List<String> want = new ArrayList<>();
            pieces.get(i).forEach(n -> want.add(n.asText()));
            List<String> got = Patterns.split(p, corpus.get(i));
            if (!want.equals(got) && bad++ < 5) report.append("\n  ").append(Fixtures.quote(corpus.get(i))).append(": ").append(got);
        }
        assertEquals(0, bad, report.toString());
        assertEquals(List.of("1", "2", "3", "4", "5"), Patterns.split(p, "12345"));
    }

    static String gpt2TokenizerJson(boolean pairMerges) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        root.put("version", "1.0");
        ArrayNode added = root.putArray("added_tokens");
        added.addObject().put("id", 50256).put("content", "<|endoftext|>").put("single_word", false).put("lstrip", false)
                .put("rstrip", false).put("normalized", false).put("special", true);
        root.putNull("normalizer");
        root.putObject("pre_tokenizer").put("type", "ByteLevel").put("add_prefix_space", false).put("trim_offsets", true).put("use_regex", true);
        root.putNull("post_processor");
        root.putObject("decoder").put("type", "ByteLevel").put("add_prefix_space", true).put("trim_offsets", true).put("use_regex", true);
        ObjectNode model = root.putObject("model");
        model.put("type", "BPE").putNull("dropout");
        try (InputStream in = new GZIPInputStream(Files.newInputStream(Fixtures.path("gpt2/vocab.json.gz")))) {
            model.set("vocab", json.readTree(in));
        }
        ArrayNode merges = model.putArray("merges");
        try (InputStream in = new GZIPInputStream(Files.newInputStream(Fixtures.path("gpt2/merges.txt.gz")))) {
            String[] lines = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).split("\n");
            for (int i = 1; i < lines.length; i++) {
                if (lines[i].isEmpty()) continue;
                if (pairMerges) {
                    String[] ab = lines[i].split(" ");
                    merges.addArray().add(ab[0]).add(ab[1]);
                } else {
                    merges.add(lines[i]);
                }
            }
        }
        return json.writeValueAsString(root);
    }

    private static Map<String, Integer> map(JsonNode o) {
        Map<String, Integer> m = new LinkedHashMap<>();
        o.properties().forEach(e -> m.put(e.getKey(), e.getValue().asInt()));
        return m;
    }

}
