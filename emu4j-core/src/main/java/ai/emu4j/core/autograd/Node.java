package ai.emu4j.core.autograd;

import ai.emu4j.core.tensor.Tensor;

/**
 * One recorded op: its inputs and the rule that turns the gradient of its output into gradients of
 * its inputs. The rule runs in no-grad mode (no higher-order gradients) and returns one entry per
 * input, null where that input needs none; each entry has its input's exact shape.
 */
public record Node(String op, Tensor[] inputs, Backward backward) {
    @FunctionalInterface
    public interface Backward {
        Tensor[] apply(Tensor gradOutput);
    }
}
