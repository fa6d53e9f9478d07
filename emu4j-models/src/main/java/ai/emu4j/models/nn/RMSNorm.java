package ai.emu4j.models.nn;

import ai.emu4j.core.ops.Norms;
import ai.emu4j.core.tensor.Tensor;

/** RMSNorm over the last dim (..., D), weight ones (Llama's LlamaRMSNorm). */
public final class RMSNorm extends Module {
    private final Tensor weight;
    private final float eps;

    public RMSNorm(int dim, float eps) {
        this.eps = eps;
        weight = registerParameter("weight", Tensor.ones(dim));
    }

    @Override
    public Tensor forward(Tensor x) {
        return Norms.rmsNorm(x, weight, eps);
    }
}
