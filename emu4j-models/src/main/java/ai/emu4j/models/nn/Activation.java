package ai.emu4j.models.nn;

import ai.emu4j.core.ops.Unary;
import ai.emu4j.core.tensor.Tensor;

import java.util.function.UnaryOperator;

/** A parameter-free elementwise function as a module, so it can sit in a {@link Sequential}. */
public final class Activation extends Module {
    private final UnaryOperator<Tensor> fn;

    private Activation(UnaryOperator<Tensor> fn) {
        this.fn = fn;
    }

    public static Activation relu() {
        return new Activation(Unary::relu);
    }

    public static Activation gelu() {
        return new Activation(Unary::gelu);
    }

    public static Activation tanh() {
        return new Activation(Unary::tanh);
    }

    public static Activation silu() {
        return new Activation(Unary::silu);
    }

    @Override
    public Tensor forward(Tensor x) {
        return fn.apply(x);
    }
}
