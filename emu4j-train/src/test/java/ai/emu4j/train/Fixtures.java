package ai.emu4j.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Reads the PyTorch fixtures of tools/fixtures/make_optim_fixtures.py; a missing one is a failure, never a skip. */
final class Fixtures {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Fixtures() {}

    static JsonNode load(String name) {
        String path = "/fixtures/optim/" + name + ".json";
        try (InputStream in = Fixtures.class.getResourceAsStream(path)) {
            if (in == null) fail("fixture " + path + " is missing: run /usr/bin/python3 tools/fixtures/make_optim_fixtures.py");
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new AssertionError("fixture " + path + " unreadable", e);
        }
    }

    static float[] floats(JsonNode arr) {
        float[] out = new float[arr.size()];
        for (int i = 0; i < out.length; i++) out[i] = (float) arr.get(i).asDouble();
        return out;
    }

    static int[] ints(JsonNode arr) {
        int[] out = new int[arr.size()];
        for (int i = 0; i < out.length; i++) out[i] = arr.get(i).asInt();
        return out;
    }

    /** |actual - expected| <= rel * max(|expected|, 1e-3): relative, with a floor so values that cross zero do not blow it up. */
    static void assertClose(float[] expected, float[] actual, double rel, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            double tol = rel * Math.max(Math.abs(expected[i]), 1e-3);
            double err = Math.abs((double) actual[i] - expected[i]);
            assertTrue(err <= tol, what + "[" + i + "]: expected " + expected[i] + ", got " + actual[i] + " (error " + err + " > " + tol + ")");
        }
    }
}
