package ai.emu4j.models.sampling;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SamplerTest {
    @Test
    void samplerFiltersLikeHuggingFace() {
        float[] s = {1f, 5f, 3f, 4f, 2f};
        assertEquals(1, new Sampler(0f, 0, 1f, 0).sample(s));
        for (int seed = 0; seed < 50; seed++) {
            int k2 = new Sampler(1f, 2, 1f, seed).sample(s);
            assertTrue(k2 == 1 || k2 == 3, "top-2 keeps the two best: " + k2);
        }
        assertEquals(4f, Sampler.kthLargest(s, 2));
        // With a dominant token, top-p 0.5 keeps only it.
        float[] peaked = {0f, 10f, 0f};
        for (int seed = 0; seed < 20; seed++) assertEquals(1, new Sampler(1f, 0, 0.5f, seed).sample(peaked));
    }
}
