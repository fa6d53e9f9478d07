package ai.emu4j.core.ops;

import ai.emu4j.core.autograd.GradMode;
import ai.emu4j.core.tensor.Tensor;
import ai.emu4j.core.util.Rng;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class KVCacheTest {
    private static final int B = 2, HQ = 4, HKV = 2, T = 7, D = 4;
    private static final float SCALE = 0.5f;

    private final Rng rng = new Rng(11);
    private final Tensor q = Tensor.randn(rng, B, HQ, T, D), k = Tensor.randn(rng, B, HKV, T, D), v = Tensor.randn(rng, B, HKV, T, D);

    private static void assertRows(String what, Tensor want, Tensor got) {
        assertArrayEquals(want.shape(), got.shape(), what + ": shape");
        Fixtures.assertClose(what, want.toFloatArray(), got.toFloatArray());
    }

    @Test
    void prefillThenStepwiseDecodingEqualsFullCausalAttention() {
        try (var g = GradMode.noGrad()) {
            Tensor full = Attention.sdpa(q, k, v, null, true, SCALE);
            KVCache cache = new KVCache(B, HKV, T + 2, D);
            // A 3-token prompt in one call, then one token per call: the cache offset must line up the causal mask.
            Tensor[] kv = cache.append(k.slice(2, 0, 3), v.slice(2, 0, 3));
            assertEquals(3, cache.length());
            assertRows("prefill", full.slice(2, 0, 3), Attention.sdpa(q.slice(2, 0, 3), kv[0], kv[1], null, true, SCALE));
            for (int t = 3; t < T; t++) {
                kv = cache.append(k.slice(2, t, t + 1), v.slice(2, t, t + 1));
                assertArrayEquals(new int[] {B, HKV, t + 1, D}, kv[0].shape());
                assertRows("step " + t, full.slice(2, t, t + 1), Attention.sdpa(q.slice(2, t, t + 1), kv[0], kv[1], null, true, SCALE));
            }
            assertEquals(T, cache.length());
        }
    }

    @Test
    void truncateForgetsTheSuffixAndReappendingReproducesIt() {
        try (var g = GradMode.noGrad()) {
            Tensor full = Attention.sdpa(q, k, v, null, true, SCALE);
            KVCache cache = new KVCache(B, HKV, T, D);
            cache.append(k, v);
            cache.truncate(4);
            Tensor[] kv = cache.append(k.slice(2, 4, T), v.slice(2, 4, T));
            assertRows("after truncate", full.slice(2, 4, T), Attention.sdpa(q.slice(2, 4, T), kv[0], kv[1], null, true, SCALE));
            assertThrows(IllegalArgumentException.class, () -> cache.truncate(T + 1));
        }
    }

    @Test
    void overfillingIsAnError() {
        KVCache cache = new KVCache(B, HKV, 3, D);
        cache.append(k.slice(2, 0, 2), v.slice(2, 0, 2));
        assertThrows(IllegalStateException.class, () -> cache.append(k.slice(2, 2, 4), v.slice(2, 2, 4)));
        assertEquals(2, cache.length());
        assertEquals(2L * B * HKV * 3 * D * Float.BYTES, cache.memoryBytes());
    }

    @Test
    void repeatedAndReorderedRowsCarryTheirKeysAndValues() {
        try (var g = GradMode.noGrad()) {
            KVCache one = new KVCache(1, HKV, T, D);
            one.append(k.slice(0, 0, 1).slice(2, 0, 3), v.slice(0, 0, 1).slice(2, 0, 3));
            KVCache three = one.repeatRows(3);
            assertEquals(3, three.batch());
            assertEquals(3, three.length());
            assertEquals(T, three.capacity());
            // Give each row its own fourth position, then move rows: (0, 1, 2) <- (2, 2, 0).
            Tensor k3 = Tensor.randn(rng, 3, HKV, 1, D), v3 = Tensor.randn(rng, 3, HKV, 1, D);
            three.append(k3, v3);
            three.reorder(new int[] {2, 2, 0});
            Tensor[] kv = three.append(Tensor.zeros(3, HKV, 1, D), Tensor.zeros(3, HKV, 1, D));
            int[] from = {2, 2, 0};
            for (int row = 0; row < 3; row++) {
                assertRows("row " + row + " prompt keys", k.slice(0, 0, 1).slice(2, 0, 3), kv[0].slice(0, row, row + 1).slice(2, 0, 3));
                assertRows("row " + row + " prompt values", v.slice(0, 0, 1).slice(2, 0, 3), kv[1].slice(0, row, row + 1).slice(2, 0, 3));
                assertRows("row " + row + " own key", k3.slice(0, from[row], from[row] + 1), kv[0].slice(0, row, row + 1).slice(2, 3, 4));
                assertRows("row " + row + " own value", v3.slice(0, from[row], from[row] + 1), kv[1].slice(0, row, row + 1).slice(2, 3, 4));
            }
            assertThrows(IllegalArgumentException.class, () -> three.reorder(new int[] {0, 1}));
            assertThrows(IllegalArgumentException.class, () -> three.reorder(new int[] {0, 1, 3}));
            assertThrows(IllegalStateException.class, () -> three.repeatRows(2));
        }
    }
}
