package ai.emu4j.models.llama;

import ai.emu4j.core.tensor.Tensor;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A fixture folder under /fixtures written by a tools/fixtures script: paths, expected.json, and comparisons. */
record PyTorchFixture(String folder, String script) {
    Path path(String rel) throws URISyntaxException {
        var url = PyTorchFixture.class.getResource("/fixtures/" + folder + "/" + rel);
        if (url == null) throw new AssertionError("missing fixture fixtures/" + folder + "/" + rel + "; run /usr/bin/python3 tools/fixtures/" + script);
        return Path.of(url.toURI());
    }

    JsonNode expected() throws Exception {
        return new ObjectMapper().readTree(Files.readAllBytes(path("expected.json")));
    }

    static Tensor ids(JsonNode rows) {
        int b = rows.size(), t = rows.get(0).size();
        int[] v = new int[b * t];
        for (int i = 0; i < b; i++) for (int j = 0; j < t; j++) v[i * t + j] = rows.get(i).get(j).asInt();
        return Tensor.ofInts(v, b, t);
    }

    static float[] floats(JsonNode arr) {
        float[] f = new float[arr.size()];
        for (int i = 0; i < f.length; i++) f[i] = (float) arr.get(i).asDouble();
        return f;
    }

    /** Largest absolute error over the largest reference magnitude at most tol. */
    static void assertClose(float[] want, float[] got, double tol, String what) {
        assertEquals(want.length, got.length, what + " length");
        double maxRef = 1e-6, maxErr = 0;
        for (int i = 0; i < want.length; i++) {
            maxRef = Math.max(maxRef, Math.abs(want[i]));
            maxErr = Math.max(maxErr, Math.abs(want[i] - got[i]));
        }
        assertTrue(maxErr / maxRef <= tol, what + ": relative error " + maxErr / maxRef);
    }
}
