package ai.emu4j.models.nn;

import ai.emu4j.core.tensor.Tensor;

/** (N, *) to (N, prod(*)), as torch.nn.Flatten(); a view when the input is contiguous. */
public final class Flatten extends Module {
    @Override
    public Tensor forward(Tensor x) {
        return x.flatten(1, -1);
    }
}
