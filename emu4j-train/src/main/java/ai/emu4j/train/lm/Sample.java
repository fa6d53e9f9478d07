package ai.emu4j.train.lm;

import ai.emu4j.models.emu3.Emu3Processor;
import ai.emu4j.models.emu3.EncodedVisual;
import ai.emu4j.models.emu3.VisionTokens;

import java.util.Arrays;

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
 */
record Sample(int[] tokens, byte[] kinds) {
    static final byte IGNORE = 0, TEXT = 1, VISION = 2;

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
        int[] prompt = p.understandingPrompt(v.block(p), question);
        int[] answer = p.tokenizer().encode(" " + caption);
        Builder b = new Builder(prompt.length + answer.length + 1);
        for (int id : prompt) b.add(id, IGNORE);
        for (int id : answer) b.add(id, TEXT);
        b.add(p.tokens().eos(), TEXT);
        return b.build();
    }

    /** Samples back to back (packing). */
    static Sample concat(java.util.List<Sample> parts) {
        int n = 0;
        for (Sample s : parts) n += s.length();
        Builder b = new Builder(n);
        for (Sample s : parts) for (int i = 0; i < s.length(); i++) b.add(s.tokens[i], s.kinds[i]);
        return b.build();
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
