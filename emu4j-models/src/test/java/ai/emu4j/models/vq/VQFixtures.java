package ai.emu4j.models.vq;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ai.emu4j.core.io.SafeTensors;
import ai.emu4j.core.io.SafeTensorsFile;
import ai.emu4j.core.io.TensorEntry;
import ai.emu4j.core.tensor.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The PyTorch fixtures of tools/fixtures/make_vq_fixtures.py, from the test classpath. They are
 * committed, so a missing one FAILS the test (a broken checkout is not a reason to skip).
 */
final class VQFixtures {
    /** Largest error allowed, relative to the largest magnitude in the expected tensor. */
    static final double REL_TOL = 1e-4;

    private VQFixtures() {}

    static Path path(String name) {
        URL url = VQFixtures.class.getResource("/fixtures/vq/" + name);
        if (url == null) fail("missing fixture fixtures/vq/" + name + " (regenerate with /usr/bin/python3 tools/fixtures/make_vq_fixtures.py)");
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A copy of one tensor of expected.safetensors as a heap tensor (F32) or int tensor (I64 -> I32). */
    static Tensor expected(String name) {
        try (SafeTensorsFile f = SafeTensors.open(path("expected.safetensors"))) {
            if (!f.contains(name)) fail("fixture expected.safetensors has no tensor " + name);
            TensorEntry e = f.entry(name);
            int[] shape = Arrays.stream(e.shape()).mapToInt(Math::toIntExact).toArray();
            Tensor mapped = Tensor.fromSegment(f.data(name), e.dtype(), shape);
            return switch (e.dtype()) {
                case F32 -> Tensor.of(mapped.toFloatArray(), shape);
                case I64, I32, U8 -> Tensor.ofInts(mapped.toIntArray(), shape);
                default -> throw new IllegalStateException("unexpected fixture dtype " + e.dtype());
            };
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    static void assertClose(Tensor expected, Tensor actual, String what) {
        assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
        float[] e = expected.toFloatArray(), a = actual.toFloatArray();
        double scale = 0, worst = 0;
        for (float v : e) scale = Math.max(scale, Math.abs(v));
        int at = -1;
        for (int i = 0; i < e.length; i++) {
            double d = Math.abs((double) e[i] - a[i]);
            if (!(d <= worst)) {
                worst = d;
                at = i;
            }
        }
        assertTrue(scale > 0, what + ": expected tensor is all zeros");
        assertTrue(worst <= REL_TOL * scale, what + ": max abs error " + worst + " at flat index " + at + " (expected " + (at < 0 ? "" : e[at])
                + ", got " + (at < 0 ? "" : a[at]) + ") exceeds " + REL_TOL + " x max |expected| " + scale);
    }

    static void assertCodes(Tensor expected, Tensor actual, String what) {
        assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
        int[] e = expected.toIntArray(), a = actual.toIntArray();
        int diff = 0;
        for (int i = 0; i < e.length; i++) if (e[i] != a[i]) diff++;
        assertEquals(0, diff, what + ": " + diff + " of " + e.length + " codes differ; expected " + Arrays.toString(e) + " got " + Arrays.toString(a));
    }

    static Path copyModel(Path dir) throws IOException {
        Path src = path("model");
        Files.createDirectories(dir);
        Files.copy(src.resolve("config.json"), dir.resolve("config.json"));
        Files.copy(src.resolve("model.safetensors"), dir.resolve("model.safetensors"));
        return dir;
    }
}
