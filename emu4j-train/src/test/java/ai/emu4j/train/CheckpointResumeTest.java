package ai.emu4j.train;

import ai.emu4j.core.ops.Losses;
import ai.emu4j.core.tensor.Tensor;
import ai.emu4j.models.nn.Activation;
import ai.emu4j.models.nn.MLP;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Kill-and-resume: N steps in one go versus k steps, checkpoint, everything rebuilt from a different
 * seed and restored, N-k more steps. The run uses dropout and random batches from the data stream,
 * gradient accumulation, clipping and a warm-up/cosine schedule, so any state the checkpoint missed
 * would change the result; the final weights must be bitwise equal.
 */
class CheckpointResumeTest {
    private static final int TOTAL = 30, KILL_AT = 13, ACCUM = 2, BATCH = 16;
    private static final ToyData.Set DATA = ToyData.spirals(3, 40, 5);
    private static final CosineSchedule SCHEDULE = new CosineSchedule(1e-2, 1e-3, 5, 25);

    /** Everything a run holds. */
    private record Run(Seeds seeds, MLP model, AdamW opt) {
        static Run fresh(long seed) {
            Seeds s = Seeds.of(seed);
            MLP m = new MLP(new int[] {2, 16, 16, 3}, Activation::tanh, 0.2f, s.init(), s.data());
            return new Run(s, m, new AdamW(m.parameters(), new AdamW.Config(1e-2, 0.9, 0.95, 1e-8, 0.1, true)));
        }

        void steps(long from, long to) {
            for (long step = from; step < to; step++) {
                opt.setLr(SCHEDULE.lr(step));
                for (int micro = 0; micro < ACCUM; micro++) {
                    int[] idx = ToyData.sample(seeds.data(), DATA.size(), BATCH);
                    Tensor loss = Losses.crossEntropy(model.forward(DATA.inputs(idx)), DATA.targets(idx), null, -100);
                    loss.mul(1f / ACCUM).backward();
                }
                GradClip.clipGradNorm(opt.params().values(), 0.5);
                opt.step();
                opt.zeroGrad();
            }
        }
    }

    @Test
    void resumedRunIsBitwiseIdentical(@TempDir Path dir) throws IOException {
        Run straight = Run.fresh(42);
        straight.steps(0, TOTAL);

        Run first = Run.fresh(42);
        first.steps(0, KILL_AT);
        Path ckpt = dir.resolve("ckpt.safetensors");
        Checkpoint.save(ckpt, first.model(), first.opt(), KILL_AT, first.seeds().byName(), SCHEDULE, Map.of("note", "toy"));

        Run resumed = Run.fresh(7);
        assertFalse(Arrays.equals(straight.model().parameters().get("net.0.weight").dataF32(), resumed.model().parameters().get("net.0.weight").dataF32()));
        Checkpoint.Restored r = Checkpoint.load(ckpt, resumed.model(), resumed.opt(), resumed.seeds().byName());
        assertEquals(KILL_AT, r.step());
        assertEquals(SCHEDULE, r.schedule());
        assertEquals(Map.of("note", "toy"), r.extra());
        assertEquals(first.opt().lr(), resumed.opt().lr());
        resumed.steps(r.step(), TOTAL);

        straight.model().parameters().forEach((name, p) ->
                assertArrayEquals(p.dataF32(), resumed.model().parameters().get(name).dataF32(), "weights " + name));
        Map<String, float[]> expectedState = straight.opt().stateArrays(), actualState = resumed.opt().stateArrays();
        assertEquals(expectedState.keySet(), actualState.keySet());
        expectedState.forEach((k, v) -> assertArrayEquals(v, actualState.get(k), "optimizer " + k));
        assertEquals(straight.opt().stateCounters(), resumed.opt().stateCounters());
        assertArrayEquals(straight.seeds().data().state(), resumed.seeds().data().state());
        assertArrayEquals(straight.seeds().init().state(), resumed.seeds().init().state());
    }

    @Test
    void resumingWithoutTheDataStreamDiverges(@TempDir Path dir) throws IOException {
        Run straight = Run.fresh(42);
        straight.steps(0, TOTAL);
        Run first = Run.fresh(42);
        first.steps(0, KILL_AT);
        Path ckpt = dir.resolve("ckpt.safetensors");
        Checkpoint.save(ckpt, first.model(), first.opt(), KILL_AT, first.seeds().byName(), SCHEDULE, Map.of());
        Run resumed = Run.fresh(7);
        long[] unrestored = resumed.seeds().data().state();
        Checkpoint.load(ckpt, resumed.model(), resumed.opt(), resumed.seeds().byName());
        resumed.seeds().data().setState(unrestored);
        resumed.steps(KILL_AT, TOTAL);
        assertFalse(Arrays.equals(straight.model().parameters().get("net.0.weight").dataF32(),
                resumed.model().parameters().get("net.0.weight").dataF32()), "the test must be able to see a missed Rng");
    }

    @Test
    void loadRejectsAnotherOptimizerConfigOrRngSetBeforeTouchingWeights(@TempDir Path dir) throws IOException {
        Run a = Run.fresh(1);
        a.steps(0, 2);
        Path ckpt = dir.resolve("c.safetensors");
        Checkpoint.save(ckpt, a.model(), a.opt(), 2, a.seeds().byName(), null, Map.of());

        Run b = Run.fresh(2);
        float[] before = b.model().parameters().get("net.0.weight").toFloatArray();
        AdamW other = new AdamW(b.model().parameters(), new AdamW.Config(1e-2, 0.9, 0.95, 1e-8, 0.1, false));
        var e = assertThrows(IllegalArgumentException.class, () -> Checkpoint.load(ckpt, b.model(), other, b.seeds().byName()));
        assertTrue(e.getMessage().contains("config"), e.getMessage());
        Sgd sgd = new Sgd(b.model().parameters(), Sgd.Config.plain(0.1));
        assertThrows(IllegalArgumentException.class, () -> Checkpoint.load(ckpt, b.model(), sgd, b.seeds().byName()));
        var r = assertThrows(IllegalArgumentException.class, () -> Checkpoint.load(ckpt, b.model(), b.opt(), Map.of("data", b.seeds().data())));
        assertTrue(r.getMessage().contains("[data, init]"), r.getMessage());
        assertArrayEquals(before, b.model().parameters().get("net.0.weight").dataF32());

        Checkpoint.Restored ok = Checkpoint.load(ckpt, b.model(), b.opt(), b.seeds().byName());
        assertEquals(null, ok.schedule());
        assertArrayEquals(a.model().parameters().get("net.0.weight").dataF32(), b.model().parameters().get("net.0.weight").dataF32());
    }

    @Test
    void sgdMomentumStateRoundTrips(@TempDir Path dir) throws IOException {
        Run a = Run.fresh(3);
        Sgd sgd = new Sgd(a.model().parameters(), new Sgd.Config(0.05, 0.9, 0, 1e-4, true));
        a.model().parameters().values().forEach(p -> p.setGrad(Tensor.ones(p.shape())));
        sgd.step();
        Path ckpt = dir.resolve("sgd.safetensors");
        Checkpoint.save(ckpt, a.model(), sgd, 1, a.seeds().byName(), null, Map.of());
        Run b = Run.fresh(4);
        Sgd sgd2 = new Sgd(b.model().parameters(), new Sgd.Config(0.05, 0.9, 0, 1e-4, true));
        Checkpoint.load(ckpt, b.model(), sgd2, b.seeds().byName());
        assertEquals(sgd.stateArrays().keySet(), sgd2.stateArrays().keySet());
        sgd.stateArrays().forEach((k, v) -> assertArrayEquals(v, sgd2.stateArrays().get(k), k));
    }
}
