package ai.emu4j.models.tokenizer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Opens a tokenizer from a path, whatever its kind:
 * <ul>
 *   <li>a folder with {@code tokenizer.json}, with {@code vocab.json} + {@code merges.txt}, or with
 *       {@code emu3.tiktoken} (an Emu3 folder), tried in that order;</li>
 *   <li>a {@code .json} file: a Hugging Face tokenizer.json;</li>
 *   <li>a {@code .tiktoken} rank file (optionally {@code .gz}); the file carries no regex or special tokens,
 *       so its name decides: {@code cl100k_base}, {@code o200k_base}, {@code r50k_base}/{@code gpt2},
 *       {@code qwen} (with Qwen's endoftext, im_start, im_end and 205 extras from id 151643), or {@code emu3.tiktoken}
 *       (read with its folder).</li>
 * </ul>
 */
public final class TextTokenizers {
    private TextTokenizers() {}

    public static TextTokenizer load(Path path) {
        if (Files.isDirectory(path)) {
            if (Files.isRegularFile(path.resolve("tokenizer.json"))) return HfTokenizerJson.load(path.resolve("tokenizer.json"));
            if (Files.isRegularFile(path.resolve("vocab.json")) && Files.isRegularFile(path.resolve("merges.txt"))) {
                return HfTokenizerJson.loadVocabAndMerges(path.resolve("vocab.json"), path.resolve("merges.txt"));
            }
            if (Files.isRegularFile(path.resolve(Emu3Tokenizer.RANK_FILE))) return Emu3Tokenizer.load(path);
            throw new TokenizerException(path + " has no tokenizer.json, vocab.json + merges.txt, or " + Emu3Tokenizer.RANK_FILE);
        }
        if (!Files.isRegularFile(path)) throw new TokenizerException(path + " does not exist");
        String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
        String base = name.endsWith(".gz") ? name.substring(0, name.length() - 3) : name;
        if (base.endsWith(".json")) return HfTokenizerJson.load(path);
        if (base.endsWith(".tiktoken")) {
            if (base.equals(Emu3Tokenizer.RANK_FILE)) return Emu3Tokenizer.load(path.toAbsolutePath().getParent());
            if (base.contains("cl100k")) return TiktokenTokenizer.load(path, TiktokenTokenizer.CL100K_SPECIALS, Patterns.CL100K);
            if (base.contains("o200k")) return TiktokenTokenizer.load(path, TiktokenTokenizer.O200K_SPECIALS, Patterns.O200K);
            if (base.contains("r50k") || base.contains("gpt2")) return TiktokenTokenizer.load(path, TiktokenTokenizer.GPT2_SPECIALS, Patterns.GPT2);
            if (base.contains("qwen")) return TiktokenTokenizer.load(path, Emu3Tokenizer.specialTokens(java.util.List.of()), Patterns.QWEN);
            throw new TokenizerException(path + ": a .tiktoken file has no regex or special tokens; name it after its encoding"
                    + " (cl100k_base, o200k_base, r50k_base, gpt2, qwen) or put it in an Emu3 folder as " + Emu3Tokenizer.RANK_FILE);
        }
        throw new TokenizerException(path + ": not a tokenizer.json, .tiktoken file or tokenizer folder");
    }
}
