package ai.emu4j.models.tokenizer;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The peer fixtures written by tools/fixtures/make_tokenizer_fixtures.mjs. A missing file fails the
 * test: the fixtures are committed, so their absence is a broken checkout, not a reason to skip.
 */
final class Fixtures {
    private static JsonNode cases;

    private Fixtures() {}

    static Path path(String name) {
        URL url = Fixtures.class.getResource("/fixtures/tokenizer/" + name);
        assertNotNull(url, "missing fixture fixtures/tokenizer/" + name + " (regenerate with tools/fixtures/make_tokenizer_fixtures.mjs)");
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static synchronized JsonNode cases() {
        if (cases == null) {
            try {
                cases = new ObjectMapper().readTree(path("cases.json").toFile());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return cases;
    }

    static List<String> corpus() {
        List<String> out = new ArrayList<>();
        cases().get("corpus").forEach(n -> out.add(n.asText()));
        return out;
    }

    static int[] ints(JsonNode a) {
        int[] r = new int[a.size()];
        for (int i = 0; i < r.length; i++) r[i] = a.get(i).asInt();
        return r;
    }

    /**
     * Encodes every corpus string and compares with the peer's ids; also requires decode(encode(s)) == s.
     * Returns a report of every mismatch (empty when all agree) so one failure shows them all.
     */
    static String compare(TextTokenizer tok, JsonNode expectedIds) {
        return compare(tok, expectedIds, s -> s);
    }

    /** As above, for tokenizers with a normalizer: decode must give {@code normalized(s)}. */
    static String compare(TextTokenizer tok, JsonNode expectedIds, java.util.function.UnaryOperator<String> normalized) {
        List<String> corpus = corpus();
        StringBuilder bad = new StringBuilder();
        int failures = 0;
        for (int i = 0; i < corpus.size(); i++) {
            String s = corpus.get(i);
            int[] want = ints(expectedIds.get(i));
            int[] got = tok.encode(s);
            String round = tok.decode(got);
            String wantText = normalized.apply(s);
            if (!java.util.Arrays.equals(want, got) || !round.equals(wantText)) {
                if (failures++ < 10) {
                    bad.append("\n  ").append(quote(s)).append(": want ").append(java.util.Arrays.toString(want))
                            .append(" got ").append(java.util.Arrays.toString(got)).append(round.equals(wantText) ? "" : " (round trip differs)");
                }
            }
        }
        return failures == 0 ? "" : failures + " of " + corpus.size() + " strings differ:" + bad;
    }

    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        s.codePoints().forEach(c -> {
            if (c < 0x20 || c == 0x7F) b.append(String.format("\\u%04x", c));
            else b.appendCodePoint(c);
        });
        return b.append('"').toString();
    }
}
