package ai.emu4j.models.nn;

import ai.emu4j.core.ops.Linalg;
import ai.emu4j.core.tensor.Tensor;
import ai.emu4j.core.util.Rng;

/**
 * y = x W^T + b, x (..., in) to y (..., out). Init as torch.nn.Linear: kaiming_uniform(a=sqrt(5))
 * reduces to U(-1/sqrt(in), 1/sqrt(in)) for the weight, and the bias uses the same bound; weight is
 * drawn before bias, so the same Rng stream gives the same layer.
 */
public final class Linear extends Module {
    private final Tensor weight;
    private final Tensor bias;

    public Linear(int in, int out, boolean bias, Rng rng) {
        if (in <= 0 || out <= 0) throw new IllegalArgumentException("Linear needs positive sizes, got " + in + " -> " + out);
        float bound = (float) (1 / Math.sqrt(in));
        weight = registerParameter("weight", Tensor.uniform(rng, -bound, bound, out, in));
        this.bias = bias ? registerParameter("bias", Tensor.uniform(rng, -bound, bound, out)) : null;
    }

    public Tensor weight() {
        return weight;
    }

    /** Null when built without bias. */
    public Tensor bias() {
        return bias;
    }

    @Override
    public Tensor forward(Tensor x) {
        return Linalg.linear(x, weight, bias);
    }
}
