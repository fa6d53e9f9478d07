package ai.emu4j.models.tokenizer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Trains a byte-level BPE on text and writes it as a Hugging Face {@code tokenizer.json}.
 *
 * <p>Text is split on the special tokens (which are never learned from), pre-tokenized with the chosen
 * regex, and each distinct piece is counted once as a "word" of byte-level symbols. The vocabulary is
 * the special tokens (ids 0..k-1), the 256 byte characters in code-point order, then one token per
 * merge. Each merge takes the most frequent adjacent pair, ties going to the pair with the smaller
 * (left id, right id), as Hugging Face's trainer does, so the result depends only on the input text and
 * options. Pair counts are kept incrementally: a merge only revisits the words that contain the pair
 * (an index from pair to words), subtracting their old pairs and adding their new ones, and a
 * max-heap with stale-entry checks picks the next pair. Memory is a few hundred bytes per distinct piece.
 */
public final class BpeTrainer {
    /**
     * @param vocabSize target size including special tokens and the 256 byte tokens
     * @param pattern gpt2, qwen, cl100k or o200k ({@link Patterns#named})
     * @param minFrequency pairs seen fewer times than this are not merged (training stops early)
     */
    public record Options(int vocabSize, List<String> specialTokens, String pattern, int minFrequency) {
        public Options {
            specialTokens = List.copyOf(specialTokens);
            if (new HashSet<>(specialTokens).size() != specialTokens.size()) throw new TokenizerException("special tokens repeat: " + specialTokens);
            if (vocabSize < 256 + specialTokens.size()) {
                throw new TokenizerException("vocab size " + vocabSize + " is below 256 byte tokens + " + specialTokens.size() + " special tokens");
            }
            if (minFrequency < 1) throw new TokenizerException("min frequency must be at least 1");
            Patterns.named(pattern);
        }
    }

    private final Options options;
    private final java.util.regex.Pattern regex;
    private final SpecialTokens specials;
    private final Map<String, Long> wordCounts = new HashMap<>();

    public BpeTrainer(Options options) {
        this.options = options;
        this.regex = Patterns.compile(Patterns.named(options.pattern()));
        Map<String, Integer> sp = new LinkedHashMap<>();
        for (String s : options.specialTokens()) sp.put(s, sp.size());
        this.specials = new SpecialTokens(sp);
    }

    /** Counts the pieces of one text; call once per document or file. */
    public void add(String text) {
        for (Object part : specials.split(text)) {
            if (part instanceof String s) {
                for (String piece : Patterns.split(regex, s)) {
                    wordCounts.merge(ByteLevel.encode(piece.getBytes(StandardCharsets.UTF_8)), 1L, Long::sum);
                }
            }
        }
    }

    /** Vocabulary (byte-level spelling to id, in id order) and merges in rank order. */
    public record Model(Map<String, Integer> vocab, List<String[]> merges, List<String> specialTokens, String pattern) {}

    /** Learns merges until the vocabulary is full or no pair reaches the minimum frequency. */
    public Model train(Consumer<String> progress) {
        List<String> tokens = new ArrayList<>(options.specialTokens());
        Map<String, Integer> ids = new HashMap<>();
        for (String s : tokens) ids.put(s, ids.size());
        TreeSet<Character> alphabet = new TreeSet<>();
        for (int b = 0; b < 256; b++) alphabet.add(ByteLevel.toChar(b));
        for (char c : alphabet) {
            ids.put(String.valueOf(c), tokens.size());
            tokens.add(String.valueOf(c));
        }

        int nWords = wordCounts.size();
        int[][] words = new int[nWords][];
        long[] counts = new long[nWords];
        List<String> keys = new ArrayList<>(wordCounts.keySet());
        keys.sort(null);
        for (int w = 0; w < nWords; w++) {
            String k = keys.get(w);
            words[w] = new int[k.length()];
            for (int i = 0; i < k.length(); i++) words[w][i] = ids.get(String.valueOf(k.charAt(i)));
            counts[w] = wordCounts.get(k);
        }
        Map<Long, Long> pairCount = new HashMap<>();
        Map<Long, Set<Integer>> where = new HashMap<>();
        for (int w = 0; w < nWords; w++) addPairs(words[w], counts[w], w, pairCount, where, null);
        PriorityQueue<long[]> heap = new PriorityQueue<>(BpeTrainer::byCountThenPair);
        pairCount.forEach((k, c) -> heap.add(new long[] {c, k}));

        List<String[]> merges = new ArrayList<>();
        int target = options.vocabSize();
        long lastReport = System.nanoTime();
        while (ids.size() < target && !heap.isEmpty()) {
            long[] top = heap.poll();
            long pair = top[1];
            Long current = pairCount.get(pair);
            if (current == null || current != top[0]) continue;
            if (current < options.minFrequency()) break;
            int left = (int) (pair >>> 32);
            int right = (int) pair;
            String merged = tokens.get(left) + tokens.get(right);
            Integer newId = ids.get(merged);
            if (newId == null) {
                newId = tokens.size();
                tokens.add(merged);
                ids.put(merged, newId);
            }
            merges.add(new String[] {tokens.get(left), tokens.get(right)});
            Set<Long> touched = new HashSet<>();
            for (int w : where.getOrDefault(pair, Set.of()).stream().sorted().toList()) {
                int[] replaced = applyMerge(words[w], left, right, newId);
                if (replaced == words[w]) continue;
                removePairs(words[w], counts[w], pairCount, touched);
                words[w] = replaced;
                addPairs(replaced, counts[w], w, pairCount, where, touched);
            }
            where.remove(pair);
            for (long k : touched) {
                Long c = pairCount.get(k);
                if (c != null && c > 0) heap.add(new long[] {c, k});
            }
            if (progress != null && System.nanoTime() - lastReport > 1_000_000_000L) {
                progress.accept("merges " + merges.size() + ", vocab " + ids.size() + "/" + target);
                lastReport = System.nanoTime();
            }
        }
        if (merges.isEmpty()) throw new TokenizerException("no pair occurs " + options.minFrequency() + " times in the training text; nothing to merge");
        if (progress != null) progress.accept("done: " + merges.size() + " merges, vocab " + ids.size());
        Map<String, Integer> vocab = new LinkedHashMap<>();
        for (int i = 0; i < tokens.size(); i++) vocab.put(tokens.get(i), i);
        return new Model(vocab, merges, options.specialTokens(), options.pattern());
    }

    private static int byCountThenPair(long[] a, long[] b) {
        if (a[0] != b[0]) return Long.compare(b[0], a[0]);
        return Long.compare(a[1], b[1]);
    }

    private static int[] applyMerge(int[] w, int left, int right, int newId) {
        int n = 0;
        int[] out = null;
        for (int i = 0; i < w.length; i++) {
            if (i + 1 < w.length && w[i] == left && w[i + 1] == right) {
                if (out == null) {
                    out = new int[w.length - 1];
                    System.arraycopy(w, 0, out, 0, i);
                    n = i;
                }
                out[n++] = newId;
                i++;
            } else if (out != null) {
                out[n++] = w[i];
            }
        }
        return out == null ? w : java.util.Arrays.copyOf(out, n);
    }

    private static void addPairs(int[] w, long count, int word, Map<Long, Long> pairCount, Map<Long, Set<Integer>> where, Set<Long> touched) {
        for (int i = 0; i + 1 < w.length; i++) {
            long k = PairMap.key(w[i], w[i + 1]);
            pairCount.merge(k, count, Long::sum);
            where.computeIfAbsent(k, x -> new HashSet<>()).add(word);
            if (touched != null) touched.add(k);
        }
    }

    private static void removePairs(int[] w, long count, Map<Long, Long> pairCount, Set<Long> touched) {
        for (int i = 0; i + 1 < w.length; i++) {
            long k = PairMap.key(w[i], w[i + 1]);
            long c = pairCount.get(k) - count;
            if (c == 0) pairCount.remove(k);
            else pairCount.put(k, c);
            touched.add(k);
        }
    }

    /** The HF tokenizer.json text for a trained model (merges in the ["a", "b"] spelling of tokenizers >= 0.20). */
    public static String toTokenizerJson(Model model) {
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = json.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        for (String s : model.specialTokens()) {
            added.addObject().put("id", model.vocab().get(s)).put("content", s).put("single_word", false).put("lstrip", false)
                    .put("rstrip", false).put("normalized", false).put("special", true);
        }
        root.putNull("normalizer");
        if (model.pattern().equals("gpt2")) {
            byteLevel(root.putObject("pre_tokenizer"), true);
        } else {
            ObjectNode seq = root.putObject("pre_tokenizer");
            seq.put("type", "Sequence");
            ArrayNode steps = seq.putArray("pretokenizers");
            ObjectNode split = steps.addObject();
            split.put("type", "Split");
            split.putObject("pattern").put("Regex", Patterns.named(model.pattern()));
            split.put("behavior", "Isolated").put("invert", false);
            byteLevel(steps.addObject(), false);
        }
        root.putNull("post_processor");
        byteLevel(root.putObject("decoder"), true);
        ObjectNode m = root.putObject("model");
        m.put("type", "BPE").putNull("dropout").putNull("unk_token").putNull("continuing_subword_prefix")
                .putNull("end_of_word_suffix").put("fuse_unk", false).put("byte_fallback", false).put("ignore_merges", false);
        ObjectNode vocab = m.putObject("vocab");
        model.vocab().forEach(vocab::put);
        ArrayNode merges = m.putArray("merges");
        for (String[] pair : model.merges()) merges.addArray().add(pair[0]).add(pair[1]);
        try {
            return json.writeValueAsString(root) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void byteLevel(ObjectNode n, boolean useRegex) {
        n.put("type", "ByteLevel").put("add_prefix_space", false).put("trim_offsets", true).put("use_regex", useRegex);
    }

    /** Writes via a temporary file in the same folder and an atomic rename, so readers never see half a file. */
    public static void writeAtomically(Path target, String text) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
        try {
            // createTempFile makes the file owner-only; a tokenizer is not a secret.
            if (dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
            }
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** The trained model as a tokenizer, parsed from the same JSON that {@link #toTokenizerJson} writes. */
    public static BpeTokenizer toTokenizer(Model model) {
        return HfTokenizerJson.parse(toTokenizerJson(model), "trained model");
    }
}
