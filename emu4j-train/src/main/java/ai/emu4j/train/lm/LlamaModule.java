package ai.emu4j.train.lm;

import ai.emu4j.core.tensor.Tensor;
import ai.emu4j.models.llama.LlamaWeights;
import ai.emu4j.models.nn.Module;

import java.util.Map;

/**
 * The Llama weights as a {@link Module} tree under their Hugging Face dotted names
 * ("model.layers.0.self_attn.q_proj.weight"), so {@link ai.emu4j.train.Checkpoint} can save and restore
 * them by name. Holds the same tensors as the {@link LlamaWeights} record: training updates both.
 */
final class LlamaModule extends Module {
    LlamaModule(LlamaWeights weights) {
        for (Map.Entry<String, Tensor> e : weights.named().entrySet()) put(e.getKey().split("\\."), 0, e.getValue());
    }

    private void put(String[] path, int i, Tensor t) {
        if (i == path.length - 1) {
            registerParameter(path[i], t);
            return;
        }
        Module child = children().get(path[i]);
        LlamaModule group = child instanceof LlamaModule g ? g : registerModule(path[i], new LlamaModule());
        group.put(path, i + 1, t);
    }

    private LlamaModule() {}

    /** The decoder's forward takes positions and caches, not one tensor: run it through LlamaModel. */
    @Override
    public Tensor forward(Tensor x) {
        throw new UnsupportedOperationException("a parameter container; run the model through LlamaModel.forward");
    }
}
