package ai.emu4j.train.lm;

import ai.emu4j.models.emu3.Emu3Processor;
import ai.emu4j.models.emu3.EncodedVisual;
import ai.emu4j.models.emu3.VisionTokens;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One training sequence and, per token, whether predicting it counts and as which modality.
 * Two directions share the dataset:
 * <ul>
 * <li>text to visual: {@code bos caption <visual block> eos}, the block being
 *     {@code boi "H*W" img rows.. eof eoi} (or the video form); every token after bos is predicted, the
 *     block's codes and eol/eof/eoi as VISION, the rest as TEXT. In vision-only mode (Emu3's released SFT:
 *     labels restricted to the visual codes) only the codes count.</li>
 * <li>visual to text: the chat template around the block and a question, answered by " caption" eos; only
 *     the answer and eos are predicted (TEXT), as Emu3's understanding stages ignore vision-token loss.</li>
 * </ul>
 * A visual-to-text sample may also be collapsed ({@link #visualToTextCollapsed}): its picture then sits in
 * the sequence as header, eof and eoi only, and {@code sites} says where its visual summary goes.
 */
record Sample(int[] tokens, byte[] kinds, List<Site> sites) {
    static final byte IGNORE = 0, TEXT = 1, VISION = 2;

    /** A picture summarised at {@code position} of the sample (its eoi), from its (height x width) codes as visual token ids. */
    record Site(int position, int[] codes, int height, int width) {}

    Sample(int[] tokens, byte[] kinds) {
        this(tokens, kinds, List.of());
    }

    static Sample textToVisual(Emu3Processor p, String caption, EncodedVisual v, boolean visionOnly) {
        VisionTokens t = p.tokens();
        int[] text = p.tokenizer().encode(caption);
        int[] header = p.imageHeader(v.frames(), v.grid(), v.video());
        int[] body = t.imageBlockBody(v.codes(), v.frames(), v.grid().height(), v.grid().width());
        Builder b = new Builder(2 + text.length + header.length + body.length);
        b.add(t.bos(), IGNORE);
        for (int id : text) b.add(id, visionOnly ? IGNORE : TEXT);
        for (int id : header) b.add(id, visionOnly ? IGNORE : TEXT);
        for (int id : body) b.add(id, visionOnly ? (t.isVisual(id) ? VISION : IGNORE) : VISION);
        b.add(t.eos(), visionOnly ? IGNORE : TEXT);
        return b.build();
    }

    static Sample visualToText(Emu3Processor p, String question, String caption, EncodedVisual v) {
        return visualToText(p, question, caption, v.block(p));
    }

    private static Sample visualToText(Emu3Processor p, String question, String caption, int[] block) {
        int[] prompt = p.understandingPrompt(block, question);
        int[] answer = p.tokenizer().encode(" " + caption);
        Builder b = new Builder(prompt.length + answer.length + 1);
        for (int id : prompt) b.add(id, IGNORE);
        for (int id : answer) b.add(id, TEXT);
        b.add(p.tokens().eos(), TEXT);
        return b.build();
    }

    /**
     * {@link #visualToText} with the picture's codes and row ends left out: {@code boi "H*W" img eof eoi}, the
     * codes carried in a {@link Site} at the eoi for the visual summary stem to read. Single images only.
     */
    static Sample visualToTextCollapsed(Emu3Processor p, String question, String caption, EncodedVisual v) {
        if (v.video() || v.frames() != 1) throw new IllegalArgumentException("only a single image can be collapsed, got " + v.frames() + " frames");
        VisionTokens t = p.tokens();
        int[] header = p.imageHeader(1, v.grid(), false);
        int[] block = Arrays.copyOf(header, header.length + 2);
        block[header.length] = t.eof();
        block[header.length + 1] = t.eoi();
        Sample full = visualToText(p, question, caption, block);
        // The stem embeds token ids, as the finder reports them for a picture shown in the sequence: the
        // codes' own numbers would pick text tokens' embeddings (sessions 10-11 trained lm17 and lm18 so).
        int[] ids = t.visualIds(v.codes());
        return new Sample(full.tokens, full.kinds, List.of(new Site(indexOf(full.tokens, block) + block.length - 1, ids, v.grid().height(), v.grid().width())));
    }

    private static int indexOf(int[] in, int[] part) {
        for (int i = 0; i + part.length <= in.length; i++) {
            if (Arrays.equals(in, i, i + part.length, part, 0, part.length)) return i;
        }
        throw new IllegalStateException("the chat template lost the picture block");
    }

    /** Samples back to back (packing); sites move with their samples. */
    static Sample concat(List<Sample> parts) {
        int n = 0;
        for (Sample s : parts) n += s.length();
        Builder b = new Builder(n);
        List<Site> sites = new ArrayList<>();
        for (Sample s : parts) {
            int offset = b.n;
            for (Site site : s.sites) sites.add(new Site(offset + site.position(), site.codes(), site.height(), site.width()));
            for (int i = 0; i < s.length(); i++) b.add(s.tokens[i], s.kinds[i]);
        }
        Sample out = b.build();
        return new Sample(out.tokens, out.kinds, List.copyOf(sites));
    }

    int length() {
        return tokens.length;
    }

    private static final class Builder {
        private final int[] ids;
        private final byte[] kinds;
        private int n;

        Builder(int capacity) {
            ids = new int[capacity];
            kinds = new byte[capacity];
        }

        void add(int id, byte kind) {
            ids[n] = id;
            kinds[n++] = kind;
        }

        Sample build() {
            return new Sample(Arrays.copyOf(ids, n), Arrays.copyOf(kinds, n));
        }
    }
}
