package ai.emu4j.models.emu3;

import ai.emu4j.core.util.Rng;
import ai.emu4j.models.llama.LlamaConfig;
import ai.emu4j.models.llama.LlamaModel;
import ai.emu4j.models.llama.LlamaWeights;
import ai.emu4j.models.sampling.Sampler;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImageGeneratorTest {
    // A toy vocabulary laid out like Emu3's: text ids, then structure tokens, then the visual codes.
    private static final VisionTokens TOKENS = new VisionTokens(20, 21, 0, 22, 23, 24, 25, 26, 27, 16);
    private static final LlamaModel MODEL = new LlamaModel(LlamaConfig.small(27 + 16, 16, 2, 2, 1, 32, 256),
            LlamaWeights.init(LlamaConfig.small(27 + 16, 16, 2, 2, 1, 32, 256), new Rng(5)));

    private static int[] run(long seed, int h, int w, float cfg, List<int[]> rows) {
        var gen = new ImageGenerator(MODEL, TOKENS);
        var req = new ImageGenerator.Request(new int[] {20, 3, 4, 23, 22}, new int[] {20, 23, 22}, h, w, cfg, new Sampler(1f, 8, 1f, seed));
        return gen.generate(req, (y, codes) -> rows.add(codes), null);
    }

    @Test
    void gridsAreWellFormedForManySeedsAndSizes() {
        for (int seed = 0; seed < 12; seed++) {
            int h = 1 + seed % 4, w = 1 + (seed * 7) % 5;
            List<int[]> rows = new ArrayList<>();
            int[] codes = run(seed, h, w, seed % 2 == 0 ? 3f : 1f, rows);
            assertEquals(h * w, codes.length);
            for (int c : codes) assertTrue(c >= 0 && c < 16, "code " + c);
            assertEquals(h, rows.size(), "one preview row per grid row");
            for (int y = 0; y < h; y++) assertArrayEquals(java.util.Arrays.copyOfRange(codes, y * w, (y + 1) * w), rows.get(y));
        }
    }

    @Test
    void sameSeedSameImageOtherSeedOtherImage() {
        int[] a = run(42, 4, 4, 3f, new ArrayList<>());
        assertArrayEquals(a, run(42, 4, 4, 3f, new ArrayList<>()));
        assertFalse(java.util.Arrays.equals(a, run(43, 4, 4, 3f, new ArrayList<>())));
    }

    @Test
    void constraintForcesStructureTokens() {
        var g = new GridConstraint(TOKENS, 2, 3);
        int[] want = {-1, -1, -1, 25, -1, -1, -1, 25, 26, 24, 21, 0};
        for (int off = 1; off <= want.length; off++) assertEquals(want[off - 1], g.forced(off), "offset " + off);
        assertEquals(11, g.length());
    }

    @Test
    void cancellationStopsGeneration() {
        var gen = new ImageGenerator(MODEL, TOKENS);
        var req = new ImageGenerator.Request(new int[] {20, 23, 22}, null, 3, 3, 1f, new Sampler(1f, 0, 1f, 1));
        assertThrows(CancellationException.class, () -> gen.generate(req, null, new AtomicBoolean(true)));
    }
}
