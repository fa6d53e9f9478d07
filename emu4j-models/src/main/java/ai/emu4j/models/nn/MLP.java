package ai.emu4j.models.nn;

import ai.emu4j.core.tensor.Tensor;
import ai.emu4j.core.util.Rng;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Fully connected stack widths[0] -> ... -> widths[n-1]: Linear, then activation and (if p > 0)
 * dropout between layers, none after the last. Parameters are named like torch's
 * nn.Sequential inside a field "net": "net.0.weight", "net.0.bias", "net.2.weight", ...
 */
public final class MLP extends Module {
    private final Sequential net;

    /** dropoutRng may be null when dropout is 0. */
    public MLP(int[] widths, Supplier<Activation> activation, float dropout, Rng initRng, Rng dropoutRng) {
        if (widths.length < 2) throw new IllegalArgumentException("MLP needs at least input and output widths");
        if (dropout > 0 && dropoutRng == null) throw new IllegalArgumentException("MLP with dropout needs a dropout Rng");
        List<Module> layers = new ArrayList<>();
        for (int i = 0; i + 1 < widths.length; i++) {
            layers.add(new Linear(widths[i], widths[i + 1], true, initRng));
            if (i + 2 < widths.length) {
                layers.add(activation.get());
                if (dropout > 0) layers.add(new Dropout(dropout, dropoutRng));
            }
        }
        net = registerModule("net", new Sequential(layers.toArray(Module[]::new)));
    }

    /** x (..., widths[0]) to (..., widths[n-1]). */
    @Override
    public Tensor forward(Tensor x) {
        return net.forward(x);
    }
}
