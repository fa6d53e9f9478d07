package ai.emu4j.models.nn;

import ai.emu4j.core.ops.Norms;
import ai.emu4j.core.tensor.Tensor;

/** LayerNorm over the last dim (..., D): weight ones, bias zeros (bias optional, as nanoGPT allows). */
public final class LayerNorm extends Module {
    private final Tensor weight;
    private final Tensor bias;
    private final float eps;

    public LayerNorm(int dim, float eps, boolean bias) {
        this.eps = eps;
        weight = registerParameter("weight", Tensor.ones(dim));
        this.bias = bias ? registerParameter("bias", Tensor.zeros(dim)) : null;
    }

    public LayerNorm(int dim) {
        this(dim, 1e-5f, true);
    }

    @Override
    public Tensor forward(Tensor x) {
        return Norms.layerNorm(x, weight, bias, eps);
    }
}
