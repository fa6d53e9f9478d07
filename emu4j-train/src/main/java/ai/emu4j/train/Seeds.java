package ai.emu4j.train;

import ai.emu4j.core.util.Rng;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The two random streams of a run, both derived from one seed: init (weights; used once, at build
 * time) and data (batch order and dropout masks; advances every step). Keeping them apart means a
 * change in model size does not change the data order, and checkpoints save both by name.
 */
public record Seeds(Rng init, Rng data) {
    public static Seeds of(long seed) {
        return new Seeds(new Rng(seed), new Rng(seed ^ 0x5DEECE66DL));
    }

    /** The streams by name ("init", "data") as {@link Checkpoint} saves and restores them. */
    public Map<String, Rng> byName() {
        Map<String, Rng> m = new LinkedHashMap<>();
        m.put("init", init);
        m.put("data", data);
        return m;
    }
}
