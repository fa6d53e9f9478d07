package ai.emu4j.models.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Pre-tokenizer regexes as published by OpenAI (tiktoken), Qwen and Hugging Face, compiled for
 * java.util.regex.
 *
 * <p>The published texts are used unchanged; what makes them behave as in tiktoken (Rust
 * fancy-regex) and Python's regex module is {@link Pattern#UNICODE_CHARACTER_CLASS}: without it Java's
 * {@code \s} is ASCII-only and a no-break space or U+3000 would start a new piece. The flag also makes
 * {@code (?i:'s|...)} fold case with Unicode rules, so {@code 'ſ} is a contraction as in tiktoken.
 * {@code \s+(?!\S)} and the other lookaheads keep their backtracking meaning. All alternatives are
 * simple character-class loops, so matching is linear in the input; Java runs them iteratively, so a
 * megabyte-long word does not overflow the stack.
 */
public final class Patterns {
    /** openai/gpt-2 encoder.py; also r50k_base, p50k_base and HF's ByteLevel pre-tokenizer with use_regex. */
    public static final String GPT2 = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";

    /** tiktoken cl100k_base (GPT-3.5/4); digits in groups of up to three. */
    public static final String CL100K = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}"
            + "| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    /** Qwen (and Emu3, which reuses Qwen's vocabulary): cl100k's pattern with every digit its own piece. */
    public static final String QWEN = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}"
            + "| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    /** tiktoken o200k_base (GPT-4o): case-aware words with trailing contractions, '/' kept with newlines. */
    public static final String O200K = String.join("|",
            "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?",
            "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?",
            "\\p{N}{1,3}",
            " ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*",
            "\\s*[\\r\\n]+",
            "\\s+(?!\\S)",
            "\\s+");

    private Patterns() {}

    /** Compiles a published pattern (tiktoken, or Oniguruma as in tokenizer.json) with the flags above. */
    public static Pattern compile(String regex) {
        try {
            return Pattern.compile(regex, Pattern.UNICODE_CHARACTER_CLASS);
        } catch (java.util.regex.PatternSyntaxException e) {
            throw new TokenizerException("pre-tokenizer regex does not compile in Java: " + e.getDescription() + " in " + regex, e);
        }
    }

    /** The named patterns accepted on the command line and by the trainer: gpt2, cl100k, o200k, qwen. */
    public static String named(String name) {
        return switch (name) {
            case "gpt2" -> GPT2;
            case "cl100k", "cl100k_base" -> CL100K;
            case "o200k", "o200k_base" -> O200K;
            case "qwen", "emu3" -> QWEN;
            default -> throw new TokenizerException("unknown pattern " + name + " (expected gpt2, cl100k, o200k or qwen)");
        };
    }

    /** The consecutive matches of the pattern; with these patterns they cover the whole text. */
    public static List<String> split(Pattern pattern, CharSequence text) {
        List<String> out = new ArrayList<>();
        Matcher m = pattern.matcher(text);
        while (m.find()) out.add(m.group());
        return out;
    }
}
