package ai.emu4j.core.autograd;

import ai.emu4j.core.tensor.Tensor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reverse-mode sweep over the graph recorded behind a tensor. Intermediate gradients live only for
 * the sweep; leaves (parameters) accumulate into {@code grad}, so calling backward on several
 * micro-batches before an optimizer step is gradient accumulation. The graph is released afterwards.
 */
public final class Backprop {
    private Backprop() {}

    public static void backward(Tensor root, Tensor seed) {
        if (!root.requiresGrad()) throw new IllegalStateException("backward on a tensor that does not require grad");
        if (!Arrays.equals(root.shape(), seed.shape())) {
            throw new IllegalArgumentException("seed gradient shape " + Arrays.toString(seed.shape()) + " != " + Arrays.toString(root.shape()));
        }
        List<Tensor> order = topoOrder(root);
        Map<Tensor, Tensor> grads = new IdentityHashMap<>();
        grads.put(root, seed);
        try (var ignored = GradMode.noGrad()) {
            for (int i = order.size() - 1; i >= 0; i--) {
                Tensor t = order.get(i);
                Tensor g = grads.remove(t);
                Node node = t.gradFn();
                if (g == null) continue;
                if (node == null) {
                    t.accumulateGrad(g);
                    continue;
                }
                Tensor[] inGrads = node.backward().apply(g);
                Tensor[] inputs = node.inputs();
                for (int j = 0; j < inputs.length; j++) {
                    Tensor in = inputs[j];
                    if (in == null || !in.requiresGrad() || inGrads[j] == null) continue;
                    if (!Arrays.equals(in.shape(), inGrads[j].shape())) {
                        throw new IllegalStateException(node.op() + ": gradient for input " + j + " has shape " + Arrays.toString(inGrads[j].shape()) + ", input has " + Arrays.toString(in.shape()));
                    }
                    grads.merge(in, inGrads[j], Tensor::add);
                }
                t.releaseGraph();
            }
        }
    }

    /** Post-order DFS without recursion, so deep graphs (long sequences, many layers) cannot overflow the stack. */
    private static List<Tensor> topoOrder(Tensor root) {
        List<Tensor> order = new ArrayList<>();
        Map<Tensor, Boolean> seen = new IdentityHashMap<>();
        ArrayDeque<Object[]> stack = new ArrayDeque<>();
        stack.push(new Object[] {root, 0});
        seen.put(root, Boolean.TRUE);
        while (!stack.isEmpty()) {
            Object[] frame = stack.peek();
            Tensor t = (Tensor) frame[0];
            int next = (Integer) frame[1];
            Node node = t.gradFn();
            // Checked before any leaf accumulates, so a refused backward leaves every .grad untouched.
            if (node == null && t.isGraphReleased()) {
                throw new IllegalStateException("backward reached " + t + " whose graph an earlier backward already freed; "
                        + "recompute the forward pass, or detach() the value to reuse it as a new leaf");
            }
            Tensor[] inputs = node == null ? new Tensor[0] : node.inputs();
            if (next < inputs.length) {
                frame[1] = next + 1;
                Tensor in = inputs[next];
                if (in != null && in.requiresGrad() && seen.put(in, Boolean.TRUE) == null) stack.push(new Object[] {in, 0});
            } else {
                stack.pop();
                order.add(t);
            }
        }
        return order;
    }
}
