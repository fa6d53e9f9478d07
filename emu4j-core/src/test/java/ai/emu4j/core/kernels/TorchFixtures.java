package ai.emu4j.core.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Loads the PyTorch fixtures written by tools/fixtures/make_kernel_fixtures.py from
 * fixtures/kernels/*.json on the test classpath. A missing file fails the test: the fixtures are
 * committed, so their absence is a broken checkout, not a reason to skip.
 */
final class TorchFixtures {
    /** Largest error allowed, relative to the largest magnitude in the expected tensor. */
    static final double REL_TOL = 1e-4;

    private TorchFixtures() {}

    static List<JsonNode> cases(String family) {
        String path = "/fixtures/kernels/" + family + ".json";
        try (InputStream in = TorchFixtures.class.getResourceAsStream(path)) {
            assertNotNull(in, "missing fixture " + path + " (regenerate with tools/fixtures/make_kernel_fixtures.py)");
            JsonNode root = new ObjectMapper().readTree(in);
            List<JsonNode> out = new ArrayList<>();
            root.get("cases").forEach(out::add);
            assertFalse(out.isEmpty(), "no cases in " + path);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static int[] ints(JsonNode c, String field) {
        JsonNode a = c.get(field);
        assertNotNull(a, "fixture field " + field);
        int[] r = new int[a.size()];
        for (int i = 0; i < r.length; i++) r[i] = a.get(i).asInt();
        return r;
    }

    static boolean has(JsonNode c, String tensor) {
        return c.get("tensors").has(tensor);
    }

    static float[] tensor(JsonNode c, String name) {
        JsonNode t = c.get("tensors").get(name);
        assertNotNull(t, "fixture tensor " + name + " in " + c.get("name").asText());
        byte[] raw = Base64.getDecoder().decode(t.get("data").asText());
        float[] r = new float[raw.length / 4];
        ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(r);
        int n = 1;
        for (JsonNode d : t.get("shape")) n *= d.asInt();
        assertEquals(n, r.length, "shape/data mismatch for " + name);
        return r;
    }

    static void assertClose(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what + " length");
        double maxAbs = 0, maxErr = 0;
        int worst = 0;
        for (int i = 0; i < expected.length; i++) {
            maxAbs = Math.max(maxAbs, Math.abs(expected[i]));
            double err = Math.abs((double) expected[i] - actual[i]);
            if (!(err <= maxErr)) {
                maxErr = err;
                worst = i;
            }
        }
        double rel = maxErr / Math.max(maxAbs, 1e-30);
        assertTrue(rel <= REL_TOL, what + ": relative error " + rel + " at [" + worst + "]: expected "
                + expected[worst] + " got " + actual[worst]);
    }
}
