package ai.emu4j.models.tokenizer;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * A tiktoken encoding: byte-sequence ranks from a rank file (lines {@code base64token rank}), special
 * tokens, and a pre-tokenizer regex. Encoding matches tiktoken's {@code encode(text,
 * allowed_special="all")}: special strings become their ids, the rest is split by the regex, and each
 * piece is either a whole token or byte-pair merged by rank.
 */
public final class TiktokenTokenizer implements TextTokenizer {
    /** cl100k_base's special tokens, as shipped by tiktoken. */
    public static final Map<String, Integer> CL100K_SPECIALS = ordered(
            "<|endoftext|>", 100257, "<|fim_prefix|>", 100258, "<|fim_middle|>", 100259,
            "<|fim_suffix|>", 100260, "<|endofprompt|>", 100276);
    public static final Map<String, Integer> O200K_SPECIALS = ordered("<|endoftext|>", 199999, "<|endofprompt|>", 200018);
    public static final Map<String, Integer> GPT2_SPECIALS = ordered("<|endoftext|>", 50256);

    /** Pieces longer than this are not cached: they are rare and would pin large arrays. */
    private static final int CACHE_MAX_PIECE = 256;
    /** Entries before the piece cache is dropped and refilled; bounds memory at a few MB. */
    private static final int CACHE_MAX_ENTRIES = 100_000;

    private final Map<ByteKey, Integer> ranks;
    private final byte[][] bytesById;
    private final SpecialTokens specials;
    private final Pattern pattern;
    private final int vocabSize;
    private final Map<String, int[]> cache = new ConcurrentHashMap<>();

    /** Takes ownership of {@code ranks} (no copy: cl100k's map alone is 100k entries). */
    TiktokenTokenizer(Map<ByteKey, Integer> ranks, Map<String, Integer> specialTokens, String regex) {
        this.ranks = ranks;
        this.specials = new SpecialTokens(SpecialTokens.checkDistinctIds(specialTokens, "special tokens"));
        this.pattern = Patterns.compile(regex);
        int max = -1;
        for (int r : ranks.values()) max = Math.max(max, r);
        for (int id : specialTokens.values()) max = Math.max(max, id);
        this.vocabSize = max + 1;
        this.bytesById = new byte[vocabSize][];
        for (var e : ranks.entrySet()) bytesById[e.getValue()] = e.getKey().toArray();
        for (var e : specialTokens.entrySet()) {
            if (bytesById[e.getValue()] != null) {
                throw new TokenizerException("special token " + e.getKey() + " has id " + e.getValue() + ", which is already a regular token");
            }
            bytesById[e.getValue()] = e.getKey().getBytes(StandardCharsets.UTF_8);
        }
        for (int b = 0; b < 256; b++) {
            if (!ranks.containsKey(ByteKey.of(new byte[] {(byte) b}))) {
                throw new TokenizerException("rank file has no token for the single byte " + b + "; byte-pair encoding needs all 256");
            }
        }
    }

    /** Loads a rank file ({@code .tiktoken}, optionally gzip-compressed as {@code .gz}). */
    public static TiktokenTokenizer load(Path rankFile, Map<String, Integer> specialTokens, String regex) {
        return new TiktokenTokenizer(readRanks(rankFile), specialTokens, regex);
    }

    /** Reads {@code base64token rank} lines; rejects malformed lines and repeated tokens or ranks. */
    static Map<ByteKey, Integer> readRanks(Path file) {
        try (InputStream raw = Files.newInputStream(file);
             InputStream in = file.getFileName().toString().endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : raw) {
            return readRanks(in, file.toString());
        } catch (IOException e) {
            throw new TokenizerException("cannot read rank file " + file + ": " + e.getMessage(), e);
        }
    }

    static Map<ByteKey, Integer> readRanks(InputStream in, String name) throws IOException {
        Map<ByteKey, Integer> ranks = new HashMap<>(1 << 18);
        Map<Integer, Integer> lineOfRank = new HashMap<>(1 << 18);
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII), 1 << 16);
        Base64.Decoder b64 = Base64.getDecoder();
        int lineNo = 0;
        for (String line; (line = r.readLine()) != null; ) {
            lineNo++;
            if (line.isEmpty()) continue;
            int sp = line.indexOf(' ');
            if (sp <= 0 || line.indexOf(' ', sp + 1) >= 0) throw new TokenizerException(name + ":" + lineNo + ": expected \"base64token rank\"");
            byte[] token;
            int rank;
            try {
                token = b64.decode(line.substring(0, sp));
                rank = Integer.parseInt(line.substring(sp + 1));
            } catch (IllegalArgumentException e) {
                throw new TokenizerException(name + ":" + lineNo + ": " + e.getMessage(), e);
            }
            if (rank < 0 || token.length == 0) throw new TokenizerException(name + ":" + lineNo + ": empty token or negative rank");
            if (ranks.putIfAbsent(ByteKey.of(token), rank) != null) throw new TokenizerException(name + ":" + lineNo + ": token listed twice");
            Integer prev = lineOfRank.putIfAbsent(rank, lineNo);
            if (prev != null) throw new TokenizerException(name + ":" + lineNo + ": rank " + rank + " already given on line " + prev);
        }
        if (ranks.isEmpty()) throw new TokenizerException(name + ": no ranks");
        return ranks;
    }

    @Override
    public int[] encode(String text) {
        IntList out = new IntList(Math.max(16, text.length() / 3));
        for (Object part : specials.split(text)) {
            if (part instanceof SpecialTokens.Match m) {
                out.add(m.id());
                continue;
            }
            for (String piece : Patterns.split(pattern, (String) part)) out.addAll(encodePiece(piece));
        }
        return out.toArray();
    }

    private int[] encodePiece(String piece) {
        int[] hit = cache.get(piece);
        if (hit != null) return hit;
        byte[] bytes = piece.getBytes(StandardCharsets.UTF_8);
        Integer whole = ranks.get(ByteKey.of(bytes));
        int[] ids;
        if (whole != null) {
            ids = new int[] {whole};
        } else {
            int[] byteIds = new int[bytes.length];
            for (int i = 0; i < bytes.length; i++) byteIds[i] = ranks.get(new ByteKey(bytes, i, i + 1));
            ids = BpeMerger.merge(bytes, byteIds, (p, a, b, c, l, r) -> {
                Integer rank = ranks.get(new ByteKey(p, a, c));
                return rank == null ? -1 : (long) rank << 32 | rank;
            });
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
            if (id < 0 || id >= vocabSize || bytesById[id] == null) throw new TokenizerException("token id " + id + " is not in this vocabulary");
            out.writeBytes(bytesById[id]);
        }
        return out.toByteArray();
    }

    @Override
    public int vocabSize() {
        return vocabSize;
    }

    @Override
    public OptionalInt tokenId(String token) {
        Integer s = specials.tokens().get(token);
        if (s != null) return OptionalInt.of(s);
        Integer r = ranks.get(ByteKey.of(token.getBytes(StandardCharsets.UTF_8)));
        return r == null ? OptionalInt.empty() : OptionalInt.of(r);
    }

    @Override
    public Map<String, Integer> specialTokens() {
        return specials.tokens();
    }

    /** Number of regular (ranked) tokens. */
    public int rankCount() {
        return ranks.size();
    }

    private static Map<String, Integer> ordered(Object... kv) {
        Map<String, Integer> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], (Integer) kv[i + 1]);
        return java.util.Collections.unmodifiableMap(m);
    }
}
