package ai.emu4j.train.vq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class VQTrainConfigTest {
    private static VQTrainConfig cfg(double minLr, long decayStart) {
        return new VQTrainConfig(64, 8, 1000, 4e-4, 1, 0, 0.2, 1, 0.25, 0, 0, 32, 100, 100, 0, minLr, decayStart);
    }

    @Test
    void constantUntilDecayStartThenHalfCosineToTheFloor() {
        VQTrainConfig c = cfg(4e-5, 600);
        assertEquals(4e-4, c.lrAt(0));
        assertEquals(4e-4, c.lrAt(600));
        assertEquals(2.2e-4, c.lrAt(800), 1e-12);                 // halfway: the mean of lr and min-lr
        assertEquals(4e-5, c.lrAt(1000), 1e-12);
        assertEquals(4e-5, c.lrAt(1200), 1e-12);                  // past the end (a run extended without --decay-start)
        assertEquals(4e-4, new VQTrainConfig(64, 8, 1000, 4e-4, 1, 0, 0.2, 1, 0.25, 0, 0, 32, 100, 100, 0).lrAt(999));
    }

    @Test
    void refusesAFloorAboveTheRate() {
        assertThrows(IllegalArgumentException.class, () -> cfg(5e-4, 10));
        assertThrows(IllegalArgumentException.class, () -> cfg(1e-5, -1));
    }
}
