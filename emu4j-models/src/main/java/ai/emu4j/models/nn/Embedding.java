package ai.emu4j.models.nn;

import ai.emu4j.core.ops.Indexing;
import ai.emu4j.core.tensor.Tensor;
import ai.emu4j.core.util.Rng;

/** Lookup table (V, D), N(0, 1) init as torch.nn.Embedding. forward: integer ids (*) to (*, D). */
public final class Embedding extends Module {
    private final Tensor weight;

    public Embedding(int numEmbeddings, int dim, Rng rng) {
        weight = registerParameter("weight", Tensor.randn(rng, numEmbeddings, dim));
    }

    public Tensor weight() {
        return weight;
    }

    @Override
    public Tensor forward(Tensor ids) {
        return Indexing.embedding(weight, ids);
    }
}
