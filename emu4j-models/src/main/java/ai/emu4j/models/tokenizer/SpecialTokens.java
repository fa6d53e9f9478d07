package ai.emu4j.models.tokenizer;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Finds special (added) tokens in text, leftmost first and longest at a position, as Hugging Face's
 * aho-corasick matcher does. Instead of a trie it keeps the token set in a hash map plus the distinct
 * token lengths: at each position whose character starts some token it tries those lengths, longest
 * first. Emu3's 32,979 special tokens have about a dozen distinct lengths, so a scan costs a few hash
 * probes per candidate position and nothing at positions whose character starts no token.
 */
final class SpecialTokens {
    /** A match: [start, end) of the text and the token id. */
    record Match(int start, int end, int id) {}

    private final Map<String, Integer> ids;
    private final int[] lengthsLongestFirst;
    private final Set<Character> firstChars = new HashSet<>();

    SpecialTokens(Map<String, Integer> tokens) {
        this.ids = Collections.unmodifiableMap(new LinkedHashMap<>(tokens));
        TreeSet<Integer> lengths = new TreeSet<>(Collections.reverseOrder());
        for (String t : tokens.keySet()) {
            if (t.isEmpty()) throw new TokenizerException("empty special token");
            lengths.add(t.length());
            firstChars.add(t.charAt(0));
        }
        lengthsLongestFirst = lengths.stream().mapToInt(Integer::intValue).toArray();
    }

    Map<String, Integer> tokens() {
        return ids;
    }

    /** The first match at or after {@code from}, or null. */
    Match find(String text, int from) {
        if (ids.isEmpty()) return null;
        for (int i = from; i < text.length(); i++) {
            if (!firstChars.contains(text.charAt(i))) continue;
            for (int len : lengthsLongestFirst) {
                if (i + len > text.length()) continue;
                Integer id = ids.get(text.substring(i, i + len));
                if (id != null) return new Match(i, i + len, id);
            }
        }
        return null;
    }

    /** Splits text into alternating plain segments and matches, in order. */
    List<Object> split(String text) {
        List<Object> out = new ArrayList<>();
        int pos = 0;
        for (Match m = find(text, 0); m != null; m = find(text, m.end())) {
            if (m.start() > pos) out.add(text.substring(pos, m.start()));
            out.add(m);
            pos = m.end();
        }
        if (pos < text.length()) out.add(text.substring(pos));
        return out;
    }

    static Map<String, Integer> checkDistinctIds(Map<String, Integer> tokens, String what) {
        Map<Integer, String> seen = new HashMap<>();
        for (var e : tokens.entrySet()) {
            String prev = seen.put(e.getValue(), e.getKey());
            if (prev != null) throw new TokenizerException(what + ": id " + e.getValue() + " given to both " + prev + " and " + e.getKey());
        }
        return tokens;
    }
}
