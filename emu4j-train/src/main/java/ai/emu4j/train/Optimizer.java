package ai.emu4j.train;

import ai.emu4j.core.tensor.Tensor;

import java.util.Map;

/**
 * Updates named parameters in place from their grad arrays. Parameters without a gradient are
 * skipped (and get no state), as in torch.optim. State is exposed by "param.slot" name so a
 * {@link Checkpoint} can store it next to the weights and restore it bit for bit.
 */
public sealed interface Optimizer permits AdamW, Sgd {
    void step();

    /** The learning rate the next {@link #step()} uses; a schedule sets it before each step. */
    double lr();

    void setLr(double lr);

    /** The hyper-parameters the optimizer was built with; a checkpoint refuses to load into another. */
    Record config();

    Map<String, Tensor> params();

    /** Per-parameter arrays, e.g. "fc.weight.exp_avg"; live views, not copies. */
    Map<String, float[]> stateArrays();

    /** Per-parameter counters, e.g. "fc.weight.step". */
    Map<String, Long> stateCounters();

    /** Throws, naming every problem, unless {@link #loadState} would accept these. Changes nothing. */
    void checkState(Map<String, float[]> arrays, Map<String, Long> counters);

    /** Replaces all state (copies); after {@link #checkState} passes, so a rejected state changes nothing. */
    void loadState(Map<String, float[]> arrays, Map<String, Long> counters);

    default void zeroGrad() {
        for (Tensor p : params().values()) p.zeroGrad();
    }
}
