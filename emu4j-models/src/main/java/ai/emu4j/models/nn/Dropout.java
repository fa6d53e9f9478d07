package ai.emu4j.models.nn;

import ai.emu4j.core.tensor.Tensor;
import ai.emu4j.core.util.Rng;

/**
 * Inverted dropout, active only in training mode. The mask comes from the Rng given here (share the
 * run's data Rng), so a checkpoint that saves that Rng's state resumes with the same masks.
 */
public final class Dropout extends Module {
    private final float p;
    private final Rng rng;

    public Dropout(float p, Rng rng) {
        if (!(p >= 0 && p < 1)) throw new IllegalArgumentException("dropout probability must be in [0, 1), got " + p);
        this.p = p;
        this.rng = rng;
    }

    @Override
    public Tensor forward(Tensor x) {
        return ai.emu4j.core.ops.Dropout.dropout(x, p, isTraining(), rng);
    }
}
