package ai.emu4j.models.tokenizer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * Byte-level BPE in the Hugging Face sense (GPT-2, RoBERTa, Llama 3, Qwen2 tokenizer.json): a vocabulary
 * spelled in {@link ByteLevel} characters, an ordered merge list, added tokens matched on the raw text
 * before anything else, an optional normalizer and a pre-tokenizer. Encoding is
 * {@code encode(text, add_special_tokens=False)}: post-processor templates (a BOS in front) are the
 * caller's business. Added tokens are matched on the raw text even when marked {@code normalized}; that
 * only differs from Hugging Face when the normalizer changes a token's own text (not the case for NFC and
 * the ASCII special tokens real files use). Build one with {@link HfTokenizerJson}.
 */
public final class BpeTokenizer implements TextTokenizer {
    private static final int CACHE_MAX_PIECE = 256;
    private static final int CACHE_MAX_ENTRIES = 100_000;

    private final Map<String, Integer> vocab;
    private final String[] tokenById;
    private final boolean[] addedById;
    private final PairMap merges;
    private final int[] byteIds = new int[256];
    private final List<AddedToken> added;
    private final Map<String, AddedToken> addedByContent = new HashMap<>();
    private final SpecialTokens addedMatcher;
    private final Map<String, Integer> specials = new LinkedHashMap<>();
    private final UnaryOperator<String> normalizer;
    private final PreTokenizer preTokenizer;
    private final boolean ignoreMerges;
    private final Map<String, int[]> cache = new ConcurrentHashMap<>();

    /**
     * @param vocab byte-level token spelling to id
     * @param merges ordered merge pairs, each {left, right} in byte-level spelling; rank is the index
     * @param normalizer applied to the text between added tokens, or null
     * @param ignoreMerges Llama 3's {@code ignore_merges}: a piece that is a whole vocabulary entry is not merged
     */
    BpeTokenizer(Map<String, Integer> vocab, List<String[]> merges, List<AddedToken> added,
                 UnaryOperator<String> normalizer, PreTokenizer preTokenizer, boolean ignoreMerges, String source) {
        if (merges.isEmpty()) {
            throw new TokenizerException(source + ": BPE model has no merges; a byte-level BPE without merges would emit one token per byte."
                    + " The merges are probably in a spelling this file does not use (\"a b\" strings or [\"a\",\"b\"] pairs)");
        }
        this.vocab = vocab;
        this.normalizer = normalizer;
        this.preTokenizer = preTokenizer;
        this.ignoreMerges = ignoreMerges;
        this.added = List.copyOf(added);
        int max = -1;
        Map<Integer, String> seen = new HashMap<>(vocab.size() * 2);
        for (var e : vocab.entrySet()) {
            if (e.getValue() < 0) throw new TokenizerException(source + ": vocabulary entry " + e.getKey() + " has negative id " + e.getValue());
            String prev = seen.put(e.getValue(), e.getKey());
            if (prev != null) throw new TokenizerException(source + ": id " + e.getValue() + " given to both " + prev + " and " + e.getKey());
            max = Math.max(max, e.getValue());
        }
        for (AddedToken t : added) {
            String prev = seen.get(t.id());
            if (prev != null && !prev.equals(t.content())) {
                throw new TokenizerException(source + ": added token " + t.content() + " has id " + t.id() + ", which the vocabulary gives to " + prev);
            }
            if (addedByContent.putIfAbsent(t.content(), t) != null) throw new TokenizerException(source + ": added token " + t.content() + " listed twice");
            seen.put(t.id(), t.content());
            max = Math.max(max, t.id());
        }
        tokenById = new String[max + 1];
        addedById = new boolean[max + 1];
        for (var e : vocab.entrySet()) tokenById[e.getValue()] = e.getKey();
        Map<String, Integer> addedIds = new LinkedHashMap<>();
        for (AddedToken t : added.stream().sorted(java.util.Comparator.comparingInt(AddedToken::id)).toList()) {
            tokenById[t.id()] = t.content();
            addedById[t.id()] = true;
            addedIds.put(t.content(), t.id());
            if (t.special()) specials.put(t.content(), t.id());
        }
        addedMatcher = new SpecialTokens(addedIds);
        for (int b = 0; b < 256; b++) {
            Integer id = vocab.get(String.valueOf(ByteLevel.toChar(b)));
            if (id == null) throw new TokenizerException(source + ": vocabulary has no token for byte " + b + " (" + ByteLevel.toChar(b) + "); byte-level BPE needs all 256");
            byteIds[b] = id;
        }
        this.merges = new PairMap(merges.size());
        for (int rank = 0; rank < merges.size(); rank++) {
            String[] m = merges.get(rank);
            Integer l = vocab.get(m[0]);
            Integer r = vocab.get(m[1]);
            Integer merged = vocab.get(m[0] + m[1]);
            if (l == null || r == null || merged == null) {
                String missing = l == null ? m[0] : r == null ? m[1] : m[0] + m[1];
                throw new TokenizerException(source + ": merge " + (rank + 1) + " (" + m[0] + " " + m[1] + ") uses " + missing + ", which is not in the vocabulary");
            }
            if (this.merges.putIfAbsent(PairMap.key(l, r), (long) rank << 32 | merged) >= 0) {
                throw new TokenizerException(source + ": merge " + (rank + 1) + " (" + m[0] + " " + m[1] + ") is listed twice");
            }
        }
    }

    @Override
    public int[] encode(String text) {
        IntList out = new IntList(Math.max(16, text.length() / 3));
        int pos = 0;
        for (SpecialTokens.Match m = nextAdded(text, 0); m != null; m = nextAdded(text, m.end())) {
            encodePlain(text.substring(pos, m.start()), out);
            out.add(m.id());
            pos = m.end();
        }
        encodePlain(text.substring(pos), out);
        return out.toArray();
    }

    /** The next added token, honouring single_word and widened by lstrip/rstrip. */
    private SpecialTokens.Match nextAdded(String text, int from) {
        for (SpecialTokens.Match m = addedMatcher.find(text, from); m != null; m = addedMatcher.find(text, m.start() + 1)) {
            AddedToken t = addedByContent.get(text.substring(m.start(), m.end()));
            if (t.singleWord() && (isWordChar(text, m.start() - 1) || isWordChar(text, m.end()))) continue;
            int start = m.start();
            int end = m.end();
            if (t.lstrip()) while (start > from && Character.isWhitespace(text.charAt(start - 1))) start--;
            if (t.rstrip()) while (end < text.length() && Character.isWhitespace(text.charAt(end))) end++;
            return new SpecialTokens.Match(start, end, m.id());
        }
        return null;
    }

    private static boolean isWordChar(String s, int i) {
        return i >= 0 && i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_');
    }

    private void encodePlain(String segment, IntList out) {
        if (segment.isEmpty()) return;
        String text = normalizer == null ? segment : normalizer.apply(segment);
        for (String piece : preTokenizer.split(text)) {
            if (!piece.isEmpty()) out.addAll(encodePiece(piece));
        }
    }

    private int[] encodePiece(String piece) {
        int[] hit = cache.get(piece);
        if (hit != null) return hit;
        byte[] bytes = piece.getBytes(StandardCharsets.UTF_8);
        int[] ids = null;
        if (ignoreMerges) {
            Integer whole = vocab.get(ByteLevel.encode(bytes));
            if (whole != null) ids = new int[] {whole};
        }
        if (ids == null) {
            int[] start = new int[bytes.length];
            for (int i = 0; i < bytes.length; i++) start[i] = byteIds[bytes[i] & 0xFF];
            ids = BpeMerger.merge(bytes, start, (p, a, b, c, l, r) -> merges.get(PairMap.key(l, r)));
        }
        if (piece.length() <= CACHE_MAX_PIECE) {
            if (cache.size() >= CACHE_MAX_ENTRIES) cache.clear();
            cache.put(piece, ids);
        }
        return ids;
    }

    @Override
    public byte[] decodeBytes(int[] ids) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(ids.length * 4);
        for (int id : ids) {
            if (id < 0 || id >= tokenById.length || tokenById[id] == null) throw new TokenizerException("token id " + id + " is not in this vocabulary");
            if (addedById[id]) out.writeBytes(tokenById[id].getBytes(StandardCharsets.UTF_8));
            else ByteLevel.appendDecoded(tokenById[id], out);
        }
        return out.toByteArray();
    }

    @Override
    public int vocabSize() {
        return tokenById.length;
    }

    /** An added token's content, a vocabulary entry's byte-level spelling ("Ġthe"), or plain text that is one entry (" the"). */
    @Override
    public OptionalInt tokenId(String token) {
        AddedToken a = addedByContent.get(token);
        if (a != null) return OptionalInt.of(a.id());
        Integer id = vocab.get(token);
        if (id == null) id = vocab.get(ByteLevel.encode(token.getBytes(StandardCharsets.UTF_8)));
        return id == null ? OptionalInt.empty() : OptionalInt.of(id);
    }

    @Override
    public Map<String, Integer> specialTokens() {
        return java.util.Collections.unmodifiableMap(specials);
    }

    /** The token's byte-level spelling or an added token's content. */
    public String tokenString(int id) {
        if (id < 0 || id >= tokenById.length || tokenById[id] == null) throw new TokenizerException("token id " + id + " is not in this vocabulary");
        return tokenById[id];
    }

    public int mergeCount() {
        return merges.size();
    }

    public List<AddedToken> addedTokens() {
        return added;
    }
}
