package ai.emu4j.core.autograd;

import ai.emu4j.core.tensor.Tensor;
import ai.emu4j.core.util.Rng;

import java.util.Arrays;
import java.util.function.Function;

/**
 * Central finite differences against our reverse-mode gradients. The op runs in float, so the step
 * must be large (eps ~ 1e-2) for the float rounding of f to stay small next to f(x+eps) - f(x-eps);
 * the projection onto a random upstream gradient and the difference quotient are done in double, and
 * the quotient divides by the step actually taken after rounding x +- eps to float.
 */
public final class GradCheck {
    private GradCheck() {}

    /** Outcome for one input: worst |numeric - analytic| over the larger magnitude of the two. */
    public record Result(int input, double relError, int worstIndex, double numeric, double analytic) {}

    /**
     * Checks d(sum(f(x) * R))/dx for every input against the analytic gradient; R is a fixed random
     * upstream gradient so that every output element is weighted differently. Throws AssertionError
     * naming the input and element on failure.
     */
    public static void check(String name, Function<Tensor[], Tensor> f, double eps, double tol, Tensor... inputs) {
        for (Result r : run(f, eps, inputs)) {
            if (!(r.relError() <= tol)) {
                throw new AssertionError(String.format("%s: input %d rel error %.3g > %.1g at element %d (numeric %.6g, analytic %.6g)",
                        name, r.input(), r.relError(), tol, r.worstIndex(), r.numeric(), r.analytic()));
            }
        }
    }

    public static Result[] run(Function<Tensor[], Tensor> f, double eps, Tensor... inputs) {
        Tensor[] leaves = new Tensor[inputs.length];
        for (int i = 0; i < inputs.length; i++) leaves[i] = Tensor.of(inputs[i].toFloatArray(), inputs[i].shape()).requiresGrad(true);
        Tensor out = f.apply(leaves);
        float[] seed = new float[Math.toIntExact(out.numel())];
        Rng rng = new Rng(99);
        for (int i = 0; i < seed.length; i++) seed[i] = rng.nextGaussian();
        out.backward(Tensor.of(seed, out.shape()));

        Result[] results = new Result[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            float[] base = inputs[i].toFloatArray();
            if (leaves[i].grad() == null) throw new AssertionError("input " + i + " received no gradient");
            if (!Arrays.equals(leaves[i].grad().shape(), inputs[i].shape())) {
                throw new AssertionError("input " + i + " gradient has shape " + Arrays.toString(leaves[i].grad().shape()) + ", input " + Arrays.toString(inputs[i].shape()));
            }
            float[] analytic = leaves[i].grad().toFloatArray();
            double[] numeric = new double[base.length];
            for (int j = 0; j < base.length; j++) {
                float plus = (float) (base[j] + eps), minus = (float) (base[j] - eps);
                double fp = project(f, inputs, i, base, j, plus, seed);
                double fm = project(f, inputs, i, base, j, minus, seed);
                numeric[j] = (fp - fm) / ((double) plus - (double) minus);
            }
            double scale = 1e-3, worst = 0;
            int at = 0;
            for (int j = 0; j < base.length; j++) scale = Math.max(scale, Math.max(Math.abs(numeric[j]), Math.abs(analytic[j])));
            for (int j = 0; j < base.length; j++) {
                double e = Math.abs(numeric[j] - analytic[j]);
                if (e > worst || Double.isNaN(e)) {
                    worst = Double.isNaN(e) ? Double.NaN : e;
                    at = j;
                    if (Double.isNaN(e)) break;
                }
            }
            results[i] = new Result(i, worst / scale, at, numeric[at], analytic[at]);
        }
        return results;
    }

    /** sum(f(inputs with input i element j set to v) * seed), in double, recording nothing. */
    private static double project(Function<Tensor[], Tensor> f, Tensor[] inputs, int i, float[] base, int j, float v, float[] seed) {
        Tensor[] xs = new Tensor[inputs.length];
        for (int k = 0; k < inputs.length; k++) {
            if (k == i) {
                float[] d = base.clone();
                d[j] = v;
                xs[k] = Tensor.of(d, inputs[k].shape());
            } else {
                xs[k] = Tensor.of(inputs[k].toFloatArray(), inputs[k].shape());
            }
        }
        try (var ignored = GradMode.noGrad()) {
            float[] y = f.apply(xs).toFloatArray();
            double acc = 0;
            for (int k = 0; k < y.length; k++) acc += (double) y[k] * seed[k];
            return acc;
        }
    }
}
