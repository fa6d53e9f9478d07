package ai.emu4j.models.emu3;

import ai.emu4j.models.tokenizer.BpeTrainer;
import ai.emu4j.models.tokenizer.Emu3Tokenizer;
import ai.emu4j.models.tokenizer.TextTokenizer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The grammar against Emu3's own construction: Emu3 formats one string (special tokens spelled out)
 * and encodes it; our builders tokenise the pieces. On an Emu3-layout tokenizer (the first 20,000
 * cl100k ranks under Emu3's special ids) both must give the same ids.
 */
class Emu3ProcessorTest {
    @TempDir
    static Path dir;
    static Emu3Tokenizer emu3;
    static Emu3Processor p;

    @BeforeAll
    static void load() throws IOException, URISyntaxException {
        URL url = Emu3ProcessorTest.class.getResource("/fixtures/tokenizer/cl100k_base.tiktoken.gz");
        assertNotNull(url, "missing fixture fixtures/tokenizer/cl100k_base.tiktoken.gz");
        try (InputStream in = new GZIPInputStream(Files.newInputStream(Path.of(url.toURI())));
             OutputStream out = Files.newOutputStream(dir.resolve(Emu3Tokenizer.RANK_FILE))) {
            String[] lines = new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\n");
            for (int i = 0; i < 20_000; i++) out.write((lines[i] + "\n").getBytes(StandardCharsets.US_ASCII));
        }
        emu3 = Emu3Tokenizer.load(dir);
        p = new Emu3Processor(emu3, VisionTokens.from(emu3));
    }

    @Test
    void idsComeFromTheTokenizer() {
        assertEquals(new VisionTokens(151849, 151850, 151643, 151851, 151852, 151853, 151846, 151847, 151854, 32768), p.tokens());
    }

    @Test
    void generateSizeRoundsHalfToEven() {
        assertEquals(new Emu3Processor.GridSize(90, 90), Emu3Processor.generateSize("1:1", 518400, 8));
        assertEquals(new Emu3Processor.GridSize(68, 120), Emu3Processor.generateSize("16:9", 518400, 8), "67.5 rounds to 68");
        assertEquals(new Emu3Processor.GridSize(64, 64), Emu3Processor.generateSize("1:1", 262144, 8));
        // side 20 px / 8 = 2.5: Python's round gives 2 (half to even), Math.round would give 3.
        assertEquals(new Emu3Processor.GridSize(2, 2), Emu3Processor.generateSize("1:1", 400, 8));
        // 3.5 rounds up to 4 (even).
        assertEquals(new Emu3Processor.GridSize(4, 4), Emu3Processor.generateSize("1:1", 784, 8));
        for (String bad : new String[] {"0:1", "1:0", "-1:2", "a:b", "16x9", "1:2:3", "", "5000:5000", "21:1"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Emu3Processor.generateSize(bad, 518400, 8), bad);
            assertTrue(e.getMessage().contains("ratio"), e.getMessage());
        }
    }

    /** calculate_generate_size as Python 3 computes it (python3 -c, round() half to even), "ratio area rows cols". */
    @Test
    void generateSizeMatchesPython() {
        String[] python = {
                "1:1 518400 90 90", "1:1 262144 64 64", "1:1 16384 16 16", "1:1 400 2 2", "1:1 784 4 4", "1:1 1000 4 4",
                "16:9 518400 68 120", "16:9 262144 48 85", "16:9 16384 12 21", "16:9 400 2 3", "16:9 784 3 5", "16:9 1000 3 5",
                "9:16 518400 120 68", "9:16 262144 85 48", "9:16 16384 21 12", "9:16 400 3 2", "9:16 784 5 3", "9:16 1000 5 3",
                "4:3 518400 78 104", "4:3 262144 55 74", "4:3 16384 14 18", "4:3 400 2 3", "4:3 784 3 4", "4:3 1000 3 5",
                "3:4 518400 104 78", "3:4 262144 74 55", "3:4 16384 18 14", "3:4 400 3 2", "3:4 784 4 3", "3:4 1000 5 3",
                "21:9 518400 59 137", "21:9 262144 42 98", "21:9 16384 10 24", "21:9 400 2 4", "21:9 784 2 5", "21:9 1000 3 6",
                "3:2 518400 73 110", "3:2 262144 52 78", "3:2 16384 13 20", "3:2 400 2 3", "3:2 784 3 4", "3:2 1000 3 5",
                "5:4 518400 80 101", "5:4 262144 57 72", "5:4 16384 14 18", "5:4 400 2 3", "5:4 784 3 4", "5:4 1000 4 4",
                "7:3 518400 59 137", "7:3 262144 42 98", "7:3 16384 10 24", "7:3 400 2 4", "7:3 784 2 5", "7:3 1000 3 6"};
        for (String row : python) {
            String[] f = row.split(" ");
            Emu3Processor.GridSize g = Emu3Processor.generateSize(f[0], Long.parseLong(f[1]), 8);
            assertEquals(new Emu3Processor.GridSize(Integer.parseInt(f[2]), Integer.parseInt(f[3])), g, row);
        }
    }

    @Test
    void generationPromptEqualsEmu3sString() {
        Emu3Processor.GridSize g = Emu3Processor.generateSize("16:9", 518400, 8);
        int[] ours = p.generationPrompt("a cat, 4k", g);
        int[] emu = emu3.encode("<|extra_203|>a cat, 4k<|image start|>68*120<|image token|>");
        assertArrayEquals(emu, ours);
        assertEquals(p.tokens().img(), ours[ours.length - 1]);
        assertArrayEquals(emu3.encode("<|extra_203|><|image start|>2*3*4<|image token|>"), p.videoPrompt("", 2, new Emu3Processor.GridSize(3, 4)));
    }

    @Test
    void understandingPromptEqualsEmu3sString() {
        int[] codes = {0, 1, 2, 3, 4, 32767};
        Emu3Processor.GridSize g = new Emu3Processor.GridSize(2, 3);
        StringBuilder image = new StringBuilder("<|image start|>2*3<|image token|>");
        for (int y = 0; y < 2; y++) {
            for (int x = 0; x < 3; x++) image.append(Emu3Tokenizer.visualTokenName(codes[y * 3 + x]));
            image.append("<|extra_200|>");
        }
        image.append("<|extra_201|><|image end|>");
        String text = "What is shown?";
        String emu = "<|extra_203|>" + Emu3Processor.DEFAULT_CHAT_TEMPLATE.replace("{image_prompt}", image).replace("{text_prompt}", text);
        assertArrayEquals(emu3.encode(emu), p.understandingPrompt(p.visualBlock(codes, 1, g, false), text));
        Emu3Processor stage1 = new Emu3Processor(emu3, p.tokens(), "{image_prompt}{text_prompt}");
        assertArrayEquals(emu3.encode("<|extra_203|>" + image + text), stage1.understandingPrompt(stage1.visualBlock(codes, 1, g, false), text));
        assertThrows(IllegalArgumentException.class, () -> new Emu3Processor(emu3, p.tokens(), "USER: {text_prompt} ASSISTANT:"));
    }

    @Test
    void videoBlockHasOneGridPerFrame() {
        int[] codes = {1, 2, 3, 4};
        int[] block = p.visualBlock(codes, 2, new Emu3Processor.GridSize(1, 2), true);
        VisionTokens t = p.tokens();
        int[] header = emu3.encode("<|image start|>2*1*2<|image token|>");
        int[] body = {t.visualId(1), t.visualId(2), t.eol(), t.eof(), t.visualId(3), t.visualId(4), t.eol(), t.eof(), t.eoi()};
        int[] want = Emu3Processor.concat(header, body);
        assertArrayEquals(want, block);
        assertThrows(IllegalArgumentException.class, () -> p.imageHeader(2, new Emu3Processor.GridSize(1, 2), false));
    }

    @Test
    void smallTokenizersDefineTheSameStrings(@TempDir Path d) {
        List<String> specials = new ArrayList<>(SpecialNames.EMU3.all());
        for (int c = 0; c < 8; c++) specials.add(VisionTokens.visualTokenName(c));
        BpeTrainer trainer = new BpeTrainer(new BpeTrainer.Options(specials.size() + 256 + 20, specials, "qwen", 1));
        trainer.add("a red square");
        TextTokenizer small = BpeTrainer.toTokenizer(trainer.train(m -> {}));
        assertEquals(new VisionTokens(1, 2, 0, 3, 4, 5, 6, 7, 8, 8), VisionTokens.from(small));

        List<String> gap = new ArrayList<>(specials);
        gap.add(1, "<|visual token 000001|>");
        gap.remove(gap.lastIndexOf("<|visual token 000001|>"));
        BpeTrainer gapTrainer = new BpeTrainer(new BpeTrainer.Options(gap.size() + 256 + 1, gap, "qwen", 1));
        gapTrainer.add("aa");
        TextTokenizer broken = BpeTrainer.toTokenizer(gapTrainer.train(m -> {}));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> VisionTokens.from(broken)).getMessage().contains("consecutive"));

        SpecialNames renamed = new SpecialNames("<|bos|>", "<|extra_204|>", "<|endoftext|>", "<|image token|>", "<|image start|>", "<|image end|>",
                "<|extra_200|>", "<|extra_201|>");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> VisionTokens.from(small, renamed)).getMessage().contains("<|bos|>"));
    }
}
