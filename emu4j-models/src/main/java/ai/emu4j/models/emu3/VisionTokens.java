package ai.emu4j.models.emu3;

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

    public int visualId(int code) {
        if (code < 0 || code >= codebookSize) throw new IllegalArgumentException("code " + code + " outside the codebook of " + codebookSize);
        return visualBase + code;
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
