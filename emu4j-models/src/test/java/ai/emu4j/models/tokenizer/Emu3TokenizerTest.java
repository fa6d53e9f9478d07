package ai.emu4j.models.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Emu3's id layout and folder handling, on a small folder made of the first 20,000 cl100k ranks (every
 * single byte plus common merges): the special and visual ids depend on the layout alone, and the small
 * rank file keeps these tests fast. {@link QwenEmu3PeerTest} runs Qwen's real 151,643 ranks against a peer.
 */
class Emu3TokenizerTest {
    private static Path emu3Folder(Path dir, boolean withVisionFile) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(Fixtures.path("cl100k_base.tiktoken.gz")));
             OutputStream out = Files.newOutputStream(dir.resolve(Emu3Tokenizer.RANK_FILE))) {
            String[] lines = new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\n");
            for (int i = 0; i < 20_000; i++) out.write((lines[i] + "\n").getBytes(StandardCharsets.US_ASCII));
        }
        if (withVisionFile) Files.write(dir.resolve(Emu3Tokenizer.VISION_TOKEN_FILE), Emu3Tokenizer.documentedVisionTokens());
        return dir;
    }

    @Test
    void documentedIds(@TempDir Path dir) throws IOException {
        Emu3Tokenizer t = Emu3Tokenizer.load(emu3Folder(dir, false));
        assertEquals(184_622, t.vocabSize());
        assertEquals(151643, t.padId());
        assertEquals(151644, t.requireTokenId("<|im_start|>"));
        assertEquals(151846, t.eolId());
        assertEquals(151847, t.eofId());
        assertEquals(151849, t.bosId());
        assertEquals(151850, t.eosId());
        assertEquals(151851, t.imgId());
        assertEquals(151852, t.boiId());
        assertEquals(151853, t.eoiId());
        assertEquals(151854, t.visualTokenId(0));
        assertEquals(151854 + 32767, t.visualTokenId(32767));
        assertEquals(123, t.visualCode(151854 + 123));
        assertEquals(-1, t.visualCode(151853));
        assertEquals(3 + 205 + 3 + 32768, t.specialTokens().size());
    }

    @Test
    void visionFileAndGeneratedNamesAgree(@TempDir Path a, @TempDir Path b) throws IOException {
        Emu3Tokenizer fromFile = Emu3Tokenizer.load(emu3Folder(a, true));
        Emu3Tokenizer generated = Emu3Tokenizer.load(emu3Folder(b, false));
        assertEquals(generated.specialTokens(), fromFile.specialTokens());
        assertTrue(TextTokenizers.load(a) instanceof Emu3Tokenizer);
    }

    @Test
    void allowedSpecialAllAndDigitsOneByOne(@TempDir Path dir) throws IOException {
        Emu3Tokenizer t = Emu3Tokenizer.load(emu3Folder(dir, false));
        String text = "<|extra_203|><|image start|><|visual token 000123|><|visual token 032767|><|extra_200|><|image end|>2024";
        int[] ids = t.encode(text);
        assertArrayEquals(new int[] {151849, 151852, 151854 + 123, 151854 + 32767, 151846, 151853,
                t.requireTokenId("2"), t.requireTokenId("0"), t.requireTokenId("2"), t.requireTokenId("4")}, ids);
        assertEquals(text, t.decode(ids));
        String mixed = "Ein Bild: <|image token|> 日本 😀 x<|visual token 000001|>y";
        assertEquals(mixed, t.decode(t.encode(mixed)));
    }

    @Test
    void rankCollidingWithSpecialIdsIsAnError(@TempDir Path dir) throws IOException {
        emu3Folder(dir, false);
        Files.writeString(dir.resolve(Emu3Tokenizer.RANK_FILE), "eHl6 151643\n", StandardCharsets.US_ASCII, java.nio.file.StandardOpenOption.APPEND);
        assertTrue(assertThrows(TokenizerException.class, () -> Emu3Tokenizer.load(dir)).getMessage().contains("collides"));
    }
}
