package ai.emu4j.models.emu3;

import ai.emu4j.models.tokenizer.TextTokenizer;

import java.util.OptionalInt;

/**
 * The special ids of Emu3's sequence grammar. They are read from the tokenizer (never hard-coded)
 * so that models trained here with other vocabularies use the same code path; visual code c has id
 * {@code visualBase + c} for c in [0, codebookSize).
 */
public record VisionTokens(int bos, int eos, int pad, int img, int boi, int eoi, int eol, int eof,
                           int visualBase, int codebookSize) {
    public VisionTokens {
        if (codebookSize <= 0) throw new IllegalArgumentException("codebook size must be positive, got " + codebookSize);
        if (visualBase < 0) throw new IllegalArgumentException("visual token base id must be non-negative, got " + visualBase);
    }

    /**
     * Reads the ids from any tokenizer that defines Emu3's special strings ({@link SpecialNames}): the
     * Emu3 tiktoken vocabulary, a -hf tokenizer.json, or a small tokenizer.json of our own (text BPE +
     * the special tokens + {@code <|visual token NNNNNN|>} for each code). The codebook is the run of
     * visual-token names from 000000 on; their ids must be consecutive, since the generator maps codes
     * to a contiguous slice of the LM head. Cost: one lookup per codebook entry (32,768 for Emu3).
     */
    public static VisionTokens from(TextTokenizer tokenizer, SpecialNames names) {
        int base = id(tokenizer, "visual token 0", visualTokenName(0));
        int size = 1;
        for (OptionalInt next; (next = tokenizer.tokenId(visualTokenName(size))).isPresent(); size++) {
            if (next.getAsInt() != base + size) {
                throw new IllegalArgumentException("tokenizer: " + visualTokenName(size) + " has id " + next.getAsInt()
                        + ", expected " + (base + size) + " (visual tokens must have consecutive ids)");
            }
        }
        return new VisionTokens(id(tokenizer, "bos", names.bos()), id(tokenizer, "eos", names.eos()), id(tokenizer, "pad", names.pad()),
                id(tokenizer, "img", names.img()), id(tokenizer, "boi", names.boi()), id(tokenizer, "eoi", names.eoi()),
                id(tokenizer, "eol", names.eol()), id(tokenizer, "eof", names.eof()), base, size);
    }

    public static VisionTokens from(TextTokenizer tokenizer) {
        return from(tokenizer, SpecialNames.EMU3);
    }

    public static String visualTokenName(int code) {
        return String.format("<|visual token %06d|>", code);
    }

    private static int id(TextTokenizer tokenizer, String role, String token) {
        OptionalInt id = tokenizer.tokenId(token);
        if (id.isEmpty()) throw new IllegalArgumentException("special token " + token + " (" + role + ") is not in the tokenizer's vocabulary");
        return id.getAsInt();
    }

    public int visualId(int code) {
        if (code < 0 || code >= codebookSize) throw new IllegalArgumentException("code " + code + " outside the codebook of " + codebookSize);
        return visualBase + code;
    }

    /** Each code's token id: what the model embeds, and what a visual summary site carries. */
    public int[] visualIds(int[] codes) {
        int[] ids = new int[codes.length];
        for (int k = 0; k < ids.length; k++) ids[k] = visualId(codes[k]);
        return ids;
    }

    public boolean isVisual(int id) {
        return id >= visualBase && id < visualBase + codebookSize;
    }

    public int code(int id) {
        if (!isVisual(id)) throw new IllegalArgumentException("token " + id + " is not a visual token");
        return id - visualBase;
    }

    /**
     * The image block after the size prefix: codes row by row, eol after every row (the last too),
     * then eof eoi. codes is (frames, h, w) flattened; each frame is one grid.
     */
    public int[] imageBlockBody(int[] codes, int frames, int h, int w) {
        long n = (long) frames * h * w;
        if (n != codes.length) throw new IllegalArgumentException("grid " + frames + "x" + h + "x" + w + " does not match " + codes.length + " codes");
        int[] out = new int[Math.toIntExact((long) frames * h * (w + 1) + (long) frames + 1)];
        int k = 0, c = 0;
        for (int f = 0; f < frames; f++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) out[k++] = visualId(codes[c++]);
                out[k++] = eol;
            }
            out[k++] = eof;
        }
        out[k] = eoi;
        return out;
    }
}
