package ai.emu4j.models.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The pre-tokenizers of tokenizer.json that byte-level BPE files use: ByteLevel (optionally with
 * GPT-2's regex), Split (Qwen, Llama 3, DeepSeek put their regex here) and Sequence. Pieces are plain
 * text; the byte-level character mapping is applied by the model, which is equivalent because the
 * ByteLevel step must come last (checked when loading).
 */
public interface PreTokenizer {
    List<String> split(String text);

    /** HF's ByteLevel: optional leading space, then GPT-2's regex when {@code useRegex}. */
    static PreTokenizer byteLevel(boolean addPrefixSpace, boolean useRegex) {
        Pattern p = useRegex ? Patterns.compile(Patterns.GPT2) : null;
        return text -> {
            String t = addPrefixSpace && !text.startsWith(" ") ? " " + text : text;
            return p == null ? List.of(t) : Patterns.split(p, t);
        };
    }

    /** How a Split keeps its matches, as in HF's SplitDelimiterBehavior. */
    enum Behavior { REMOVED, ISOLATED, MERGED_WITH_PREVIOUS, MERGED_WITH_NEXT, CONTIGUOUS }

    /** HF's Split: the matches of {@code pattern} (or, with {@code invert}, the text between them) are delimiters. */
    static PreTokenizer split(Pattern pattern, Behavior behavior, boolean invert) {
        return text -> {
            List<String> segs = new ArrayList<>();
            List<Boolean> delim = new ArrayList<>();
            Matcher m = pattern.matcher(text);
            int pos = 0;
            while (m.find()) {
                if (m.end() == m.start()) continue;
                if (m.start() > pos) {
                    segs.add(text.substring(pos, m.start()));
                    delim.add(invert);
                }
                segs.add(m.group());
                delim.add(!invert);
                pos = m.end();
            }
            if (pos < text.length()) {
                segs.add(text.substring(pos));
                delim.add(invert);
            }
            return applyBehavior(segs, delim, behavior);
        };
    }

    /** HF's fold over (segment, is-delimiter) pairs, behaviour by behaviour (tokenizers/src/tokenizer/normalizer.rs). */
    private static List<String> applyBehavior(List<String> segs, List<Boolean> delim, Behavior behavior) {
        List<String> out = new ArrayList<>();
        if (behavior == Behavior.MERGED_WITH_NEXT) {
            // A delimiter joins the piece after it unless that piece is itself a delimiter: walk backwards.
            boolean nextDelim = false;
            for (int i = segs.size() - 1; i >= 0; i--) {
                boolean d = delim.get(i);
                if (d && !nextDelim && !out.isEmpty()) out.set(out.size() - 1, segs.get(i) + out.getLast());
                else out.add(segs.get(i));
                nextDelim = d;
            }
            return out.reversed();
        }
        boolean prevDelim = false;
        for (int i = 0; i < segs.size(); i++) {
            String s = segs.get(i);
            boolean d = delim.get(i);
            boolean joinPrevious = switch (behavior) {
                case MERGED_WITH_PREVIOUS -> d && !prevDelim;
                case CONTIGUOUS -> d && prevDelim;
                default -> false;
            };
            if (behavior == Behavior.REMOVED && d) {
                prevDelim = d;
                continue;
            }
            if (joinPrevious && !out.isEmpty()) out.set(out.size() - 1, out.getLast() + s);
            else out.add(s);
            prevDelim = d;
        }
        return out;
    }

    static PreTokenizer sequence(List<PreTokenizer> steps) {
        return text -> {
            List<String> pieces = List.of(text);
            for (PreTokenizer step : steps) {
                List<String> next = new ArrayList<>();
                for (String p : pieces) next.addAll(step.split(p));
                pieces = next;
            }
            return pieces;
        };
    }
}
