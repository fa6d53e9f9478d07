import ai.emu4j.core.tensor.Tensor;
import ai.emu4j.core.ops.Attention;
import ai.emu4j.core.util.Rng;
import java.util.*;

/** Causal GQA attention fwd+bwd at the demo training shape: q (8,6,768,64), k,v (8,2,768,64). */
public class AttnBench {
    public static void main(String[] a) {
        Rng rng = new Rng(1);
        Tensor q0 = Tensor.randn(rng, 8, 6, 768, 64), k0 = Tensor.randn(rng, 8, 2, 768, 64), v0 = Tensor.randn(rng, 8, 2, 768, 64), g = Tensor.randn(rng, 8, 6, 768, 64);
        int reps = 5; double[] t = new double[reps]; double[] f = new double[reps];
        for (int i = 0; i < reps + 2; i++) {
            Tensor q = Tensor.of(q0.toFloatArray(), q0.shape()).requiresGrad(true), k = Tensor.of(k0.toFloatArray(), k0.shape()).requiresGrad(true), v = Tensor.of(v0.toFloatArray(), v0.shape()).requiresGrad(true);
            long t0 = System.nanoTime();
            Tensor y = Attention.sdpa(q, k, v, null, true, 0.125f);
            long t1 = System.nanoTime();
            y.backward(g);
            if (i >= 2) { f[i - 2] = (t1 - t0) / 1e6; t[i - 2] = (System.nanoTime() - t0) / 1e6; }
        }
        Arrays.sort(t); Arrays.sort(f);
        System.out.printf(Locale.ROOT, "sdpa causal fwd %.1f ms, fwd+bwd %.1f ms (medians of %d)%n", f[reps / 2], t[reps / 2], reps);
    }
}
