package ai.emu4j.models.tokenizer;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * Reads Hugging Face {@code tokenizer.json} files with a byte-level BPE model, and GPT-2's older
 * {@code vocab.json} + {@code merges.txt} pair. Everything this reader does not implement is an error
 * naming the field, never a silent approximation: other model types (WordPiece, Unigram, WordLevel),
 * BPE options that are not byte-level (byte_fallback, subword prefixes, dropout), unknown normalizers,
 * pre-tokenizers and decoders. Files ending in {@code .gz} are decompressed.
 */
public final class HfTokenizerJson {
    private static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private HfTokenizerJson() {}

    public static BpeTokenizer load(Path file) {
        JsonNode root;
        try (InputStream in = open(file)) {
            root = JSON.readTree(in);
        } catch (JsonProcessingException e) {
            throw new TokenizerException(file + ": malformed JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new TokenizerException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return parse(root, file.toString());
    }

    public static BpeTokenizer parse(String json, String source) {
        try {
            return parse(JSON.readTree(json), source);
        } catch (JsonProcessingException e) {
            throw new TokenizerException(source + ": malformed JSON: " + e.getOriginalMessage(), e);
        }
    }

    static BpeTokenizer parse(JsonNode root, String src) {
        if (root == null || !root.isObject()) throw new TokenizerException(src + ": not a JSON object");
        JsonNode model = root.path("model");
        if (!model.isObject()) throw new TokenizerException(src + ": no \"model\" object");
        String type = model.path("type").asText(model.has("merges") ? "BPE" : "");
        if (!type.equals("BPE")) throw new TokenizerException(src + ": model type \"" + type + "\" is not supported; only byte-level BPE is");
        if (model.path("dropout").isNumber() && model.path("dropout").asDouble() > 0) {
            throw new TokenizerException(src + ": BPE dropout is not supported (it makes encoding random)");
        }
        if (model.path("byte_fallback").asBoolean(false)) {
            throw new TokenizerException(src + ": byte_fallback BPE (SentencePiece style) is not supported; only byte-level BPE is");
        }
        for (String f : new String[] {"continuing_subword_prefix", "end_of_word_suffix"}) {
            if (!model.path(f).asText("").isEmpty()) throw new TokenizerException(src + ": BPE " + f + " is not supported");
        }
        Map<String, Integer> vocab = readVocab(model.path("vocab"), src);
        List<String[]> merges = readMerges(model.path("merges"), src);
        List<AddedToken> added = new ArrayList<>();
        for (JsonNode t : root.path("added_tokens")) {
            if (!t.path("id").canConvertToInt() || !t.path("content").isTextual()) throw new TokenizerException(src + ": added token without integer id and text content: " + t);
            added.add(new AddedToken(t.get("id").asInt(), t.get("content").asText(), t.path("special").asBoolean(false),
                    t.path("single_word").asBoolean(false), t.path("lstrip").asBoolean(false), t.path("rstrip").asBoolean(false)));
        }
        boolean[] sawByteLevel = {false};
        PreTokenizer pre = preTokenizer(root.path("pre_tokenizer"), src, sawByteLevel, true);
        if (!sawByteLevel[0]) throw new TokenizerException(src + ": pre_tokenizer has no ByteLevel step; only byte-level BPE is supported");
        JsonNode dec = root.path("decoder");
        if (!dec.isMissingNode() && !dec.isNull() && !dec.path("type").asText().equals("ByteLevel")) {
            throw new TokenizerException(src + ": decoder \"" + dec.path("type").asText() + "\" is not supported; byte-level BPE decodes with ByteLevel");
        }
        return new BpeTokenizer(vocab, merges, added, normalizer(root.path("normalizer"), src), pre,
                model.path("ignore_merges").asBoolean(false), src);
    }

    private static Map<String, Integer> readVocab(JsonNode v, String src) {
        if (!v.isObject()) throw new TokenizerException(src + ": BPE vocab must be an object of token to id");
        Map<String, Integer> vocab = new LinkedHashMap<>(v.size() * 2);
        for (var e : v.properties()) {
            if (!e.getValue().canConvertToInt()) throw new TokenizerException(src + ": vocab entry " + e.getKey() + " has non-integer id " + e.getValue());
            vocab.put(e.getKey(), e.getValue().asInt());
        }
        return vocab;
    }

    /** Both spellings: legacy "a b" strings and, since tokenizers 0.20, ["a", "b"] pairs. */
    private static List<String[]> readMerges(JsonNode m, String src) {
        if (!m.isArray()) throw new TokenizerException(src + ": BPE merges must be a list");
        List<String[]> out = new ArrayList<>(m.size());
        for (JsonNode e : m) {
            if (e.isTextual()) {
                out.add(splitMerge(e.asText(), src + ": merge " + (out.size() + 1)));
            } else if (e.isArray() && e.size() == 2 && e.get(0).isTextual() && e.get(1).isTextual()) {
                out.add(new String[] {e.get(0).asText(), e.get(1).asText()});
            } else {
                throw new TokenizerException(src + ": merge " + (out.size() + 1) + " is neither \"a b\" nor [\"a\", \"b\"]: " + e);
            }
        }
        return out;
    }

    private static String[] splitMerge(String s, String where) {
        String[] parts = s.split(" ", -1);
        if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) throw new TokenizerException(where + " \"" + s + "\" is not two tokens separated by one space");
        return parts;
    }

    private static PreTokenizer preTokenizer(JsonNode n, String src, boolean[] sawByteLevel, boolean last) {
        if (n.isMissingNode() || n.isNull()) return List::of;
        if (sawByteLevel[0]) throw new TokenizerException(src + ": ByteLevel must be the last pre-tokenizer");
        String type = n.path("type").asText();
        switch (type) {
            case "ByteLevel" -> {
                if (!last) throw new TokenizerException(src + ": ByteLevel must be the last pre-tokenizer");
                sawByteLevel[0] = true;
                return PreTokenizer.byteLevel(n.path("add_prefix_space").asBoolean(false), n.path("use_regex").asBoolean(true));
            }
            case "Split" -> {
                JsonNode p = n.path("pattern");
                Pattern pattern;
                if (p.has("Regex")) pattern = Patterns.compile(p.get("Regex").asText());
                else if (p.has("String")) pattern = Pattern.compile(Pattern.quote(p.get("String").asText()));
                else throw new TokenizerException(src + ": Split pattern must be {\"Regex\": ...} or {\"String\": ...}");
                PreTokenizer.Behavior b = switch (n.path("behavior").asText()) {
                    case "Removed" -> PreTokenizer.Behavior.REMOVED;
                    case "Isolated" -> PreTokenizer.Behavior.ISOLATED;
                    case "MergedWithPrevious" -> PreTokenizer.Behavior.MERGED_WITH_PREVIOUS;
                    case "MergedWithNext" -> PreTokenizer.Behavior.MERGED_WITH_NEXT;
                    case "Contiguous" -> PreTokenizer.Behavior.CONTIGUOUS;
                    default -> throw new TokenizerException(src + ": unknown Split behavior \"" + n.path("behavior").asText() + "\"");
                };
                return PreTokenizer.split(pattern, b, n.path("invert").asBoolean(false));
            }
            case "Sequence" -> {
                List<PreTokenizer> steps = new ArrayList<>();
                JsonNode list = n.path("pretokenizers");
                for (int i = 0; i < list.size(); i++) steps.add(preTokenizer(list.get(i), src, sawByteLevel, last && i == list.size() - 1));
                return PreTokenizer.sequence(steps);
            }
            default -> throw new TokenizerException(src + ": pre_tokenizer \"" + type + "\" is not supported (ByteLevel, Split, Sequence are)");
        }
    }

    private static UnaryOperator<String> normalizer(JsonNode n, String src) {
        if (n.isMissingNode() || n.isNull()) return null;
        String type = n.path("type").asText();
        return switch (type) {
            case "NFC" -> s -> Normalizer.normalize(s, Normalizer.Form.NFC);
            case "NFD" -> s -> Normalizer.normalize(s, Normalizer.Form.NFD);
            case "NFKC" -> s -> Normalizer.normalize(s, Normalizer.Form.NFKC);
            case "NFKD" -> s -> Normalizer.normalize(s, Normalizer.Form.NFKD);
            case "Lowercase" -> s -> s.toLowerCase(Locale.ROOT);
            case "Sequence" -> {
                List<UnaryOperator<String>> steps = new ArrayList<>();
                for (JsonNode c : n.path("normalizers")) {
                    UnaryOperator<String> s = normalizer(c, src);
                    if (s != null) steps.add(s);
                }
                yield s -> {
                    for (UnaryOperator<String> step : steps) s = step.apply(s);
                    return s;
                };
            }
            default -> throw new TokenizerException(src + ": normalizer \"" + type + "\" is not supported (NFC, NFD, NFKC, NFKD, Lowercase, Sequence are)");
        };
    }

    /**
     * GPT-2's {@code vocab.json} (token to id) and {@code merges.txt} ("#version" header, one "a b" per
     * line). Vocabulary entries of the form {@code <|...|>} (GPT-2's {@code <|endoftext|>}) become special
     * added tokens, as transformers' GPT2Tokenizer treats them.
     */
    public static BpeTokenizer loadVocabAndMerges(Path vocabJson, Path mergesTxt) {
        Map<String, Integer> vocab;
        try (InputStream in = open(vocabJson)) {
            vocab = readVocab(JSON.readTree(in), vocabJson.toString());
        } catch (JsonProcessingException e) {
            throw new TokenizerException(vocabJson + ": malformed JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new TokenizerException("cannot read " + vocabJson + ": " + e.getMessage(), e);
        }
        List<String[]> merges = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(open(mergesTxt), StandardCharsets.UTF_8))) {
            int lineNo = 0;
            for (String line; (line = r.readLine()) != null; ) {
                lineNo++;
                if (line.isEmpty() || (lineNo == 1 && line.startsWith("#version"))) continue;
                merges.add(splitMerge(line, mergesTxt + ":" + lineNo + ":"));
            }
        } catch (IOException e) {
            throw new TokenizerException("cannot read " + mergesTxt + ": " + e.getMessage(), e);
        }
        List<AddedToken> added = new ArrayList<>();
        for (var e : vocab.entrySet()) {
            if (e.getKey().startsWith("<|") && e.getKey().endsWith("|>")) added.add(AddedToken.special(e.getValue(), e.getKey()));
        }
        return new BpeTokenizer(vocab, merges, added, null, PreTokenizer.byteLevel(false, true), false, mergesTxt.toString());
    }

    private static InputStream open(Path file) throws IOException {
        InputStream in = Files.newInputStream(file);
        return file.getFileName().toString().endsWith(".gz") ? new GZIPInputStream(in, 1 << 16) : in;
    }
}
