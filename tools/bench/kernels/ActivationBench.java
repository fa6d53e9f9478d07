import ai.emu4j.core.ops.Unary;
import ai.emu4j.core.tensor.Tensor;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;
import java.util.function.UnaryOperator;

/**
 * Forward + backward of an activation through autograd, medians of REPS after 3 warm-ups:
 * {@code gelu} on the visual summary stem's size (300 pictures x 384 x 8 x 8), {@code silu} on the demo
 * FFN's (6144 tokens x 1024). Usage: ActivationBench gelu|silu REPS
 */
public class ActivationBench {
    public static void main(String[] args) {
        boolean gelu = args[0].equals("gelu");
        UnaryOperator<Tensor> f = gelu ? Unary::gelu : Unary::silu;
        int n = gelu ? 300 * 384 * 64 : 6144 * 1024, reps = Integer.parseInt(args[1]);
        Random r = new Random(1);
        float[] x = new float[n], g = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) r.nextGaussian();
            g[i] = (float) r.nextGaussian();
        }
        double[] t = new double[reps];
        for (int i = 0; i < reps + 3; i++) {
            Tensor xt = Tensor.of(x, n).requiresGrad(true);
            long t0 = System.nanoTime();
            f.apply(xt).backward(Tensor.of(g, n));
            if (i >= 3) t[i - 3] = (System.nanoTime() - t0) / 1e6;
        }
        Arrays.sort(t);
        System.out.printf(Locale.ROOT, "%s fwd+bwd %d elements: median %.1f ms (min %.1f)%n", args[0], n, t[reps / 2], t[0]);
    }
}
