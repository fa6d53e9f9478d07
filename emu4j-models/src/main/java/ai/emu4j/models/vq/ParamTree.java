package ai.emu4j.models.vq;

import ai.emu4j.core.tensor.Tensor;
import ai.emu4j.models.nn.Module;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A node of dotted parameter names ("encoder.down.0.block.1.conv1.weight") as nested modules, so
 * that {@link Module#parameters()} and the training Checkpoint see the Emu3 names of tensors that
 * the record-based Encoder and Decoder hold. It only holds parameters; the model runs elsewhere.
 */
final class ParamTree extends Module {
    private final Map<String, ParamTree> nodes = new LinkedHashMap<>();

    /** Registers t under the dotted name relative to this node, creating intermediate nodes. */
    void add(String dotted, Tensor t) {
        int dot = dotted.indexOf('.');
        if (dot < 0) {
            registerParameter(dotted, t);
            return;
        }
        nodes.computeIfAbsent(dotted.substring(0, dot), k -> registerModule(k, new ParamTree())).add(dotted.substring(dot + 1), t);
    }

    @Override
    public Tensor forward(Tensor x) {
        throw new UnsupportedOperationException("a parameter group has no forward; run Emu3VQTrainable");
    }
}
