package ai.emu4j.models.tokenizer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Emu3's text tokenizer ({@code emu3/mllm/tokenization_emu3.py}): Qwen's tiktoken ranks
 * ({@code emu3.tiktoken}, 151,643 regular tokens) with Qwen's pre-tokenizer, then special tokens from id
 * 151643 in this order: {@code <|endoftext|>}, {@code <|im_start|>}, {@code <|im_end|>},
 * {@code <|extra_0|>}..{@code <|extra_204|>}, then the lines of {@code emu3_vision_tokens.txt}:
 * {@code <|image token|>}, {@code <|image start|>}, {@code <|image end|>} and
 * {@code <|visual token 000000|>}..{@code <|visual token 032767|>}; 184,622 ids in all.
 */
public final class Emu3Tokenizer implements TextTokenizer {
    public static final String RANK_FILE = "emu3.tiktoken";
    public static final String VISION_TOKEN_FILE = "emu3_vision_tokens.txt";
    public static final int SPECIAL_START_ID = 151643;
    public static final int EXTRA_TOKENS = 205;
    public static final int VISUAL_TOKENS = 32768;
    public static final String IMAGE_TOKEN = "<|image token|>";
    public static final String IMAGE_START = "<|image start|>";
    public static final String IMAGE_END = "<|image end|>";

    private final TiktokenTokenizer base;
    private final int visualBase;

    private Emu3Tokenizer(TiktokenTokenizer base) {
        this.base = base;
        this.visualBase = base.requireTokenId(visualTokenName(0));
    }

    /** Reads an Emu3 tokenizer folder: emu3.tiktoken, and emu3_vision_tokens.txt when present. */
    public static Emu3Tokenizer load(Path folder) {
        Path ranks = folder.resolve(RANK_FILE);
        if (!Files.isRegularFile(ranks)) throw new TokenizerException(folder + " has no " + RANK_FILE);
        Map<ByteKey, Integer> rankMap = TiktokenTokenizer.readRanks(ranks);
        for (int r : rankMap.values()) {
            if (r >= SPECIAL_START_ID) throw new TokenizerException(ranks + ": rank " + r + " collides with Emu3's special ids from " + SPECIAL_START_ID);
        }
        Path vision = folder.resolve(VISION_TOKEN_FILE);
        List<String> reserved = Files.isRegularFile(vision) ? readLines(vision) : documentedVisionTokens();
        return new Emu3Tokenizer(new TiktokenTokenizer(rankMap, specialTokens(reserved), Patterns.QWEN));
    }

    /** The three image markers and the 32,768 visual-token names, as emu3_vision_tokens.txt lists them. */
    public static List<String> documentedVisionTokens() {
        List<String> out = new ArrayList<>(3 + VISUAL_TOKENS);
        out.add(IMAGE_TOKEN);
        out.add(IMAGE_START);
        out.add(IMAGE_END);
        for (int c = 0; c < VISUAL_TOKENS; c++) out.add(visualTokenName(c));
        return out;
    }

    public static String visualTokenName(int code) {
        return String.format("<|visual token %06d|>", code);
    }

    /** Special tokens with their ids: endoftext, im_start, im_end, 205 extras, then {@code reserved}. */
    static Map<String, Integer> specialTokens(List<String> reserved) {
        Map<String, Integer> m = new LinkedHashMap<>();
        int id = SPECIAL_START_ID;
        List<String> names = new ArrayList<>(List.of("<|endoftext|>", "<|im_start|>", "<|im_end|>"));
        for (int i = 0; i < EXTRA_TOKENS; i++) names.add("<|extra_" + i + "|>");
        names.addAll(reserved);
        for (String n : names) {
            if (m.putIfAbsent(n, id++) != null) throw new TokenizerException("Emu3 special token " + n + " listed twice");
        }
        return m;
    }

    private static List<String> readLines(Path file) {
        try {
            // tokenization_emu3.py strips each line and skips empty ones.
            List<String> out = new ArrayList<>();
            for (String l : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (!l.strip().isEmpty()) out.add(l.strip());
            }
            return out;
        } catch (IOException e) {
            throw new TokenizerException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Id of VQ code {@code code} (0..32767). */
    public int visualTokenId(int code) {
        if (code < 0 || code >= VISUAL_TOKENS) throw new IllegalArgumentException("visual code " + code + " outside 0.." + (VISUAL_TOKENS - 1));
        return visualBase + code;
    }

    /** The VQ code of a token id, or -1 when the id is not a visual token. */
    public int visualCode(int id) {
        int c = id - visualBase;
        return c >= 0 && c < VISUAL_TOKENS ? c : -1;
    }

    public int padId() { return requireTokenId("<|endoftext|>"); }

    /** End of an image row ({@code <|extra_200|>}). */
    public int eolId() { return requireTokenId("<|extra_200|>"); }

    /** End of a video frame ({@code <|extra_201|>}). */
    public int eofId() { return requireTokenId("<|extra_201|>"); }

    public int bosId() { return requireTokenId("<|extra_203|>"); }

    public int eosId() { return requireTokenId("<|extra_204|>"); }

    /** The paper's [SOT]: start of the vision-token block. */
    public int imgId() { return requireTokenId(IMAGE_TOKEN); }

    /** [SOV]: begin of the image's visual tokens. */
    public int boiId() { return requireTokenId(IMAGE_START); }

    /** [EOV]. */
    public int eoiId() { return requireTokenId(IMAGE_END); }

    @Override public int[] encode(String text) { return base.encode(text); }
    @Override public byte[] decodeBytes(int[] ids) { return base.decodeBytes(ids); }
    @Override public int vocabSize() { return base.vocabSize(); }
    @Override public OptionalInt tokenId(String token) { return base.tokenId(token); }
    @Override public Map<String, Integer> specialTokens() { return base.specialTokens(); }
}
