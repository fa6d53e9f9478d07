package ai.emu4j.train;

import ai.emu4j.core.tensor.Tensor;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * torch.optim.AdamW (single-tensor path of PyTorch 1.13/2.x, amsgrad off): per parameter
 * p *= 1 - lr*wd (decoupled decay), m = b1*m + (1-b1)*g, v = b2*v + (1-b2)*g^2,
 * p -= lr/(1-b1^t) * m / (sqrt(v)/sqrt(1-b2^t) + eps), with t counted per parameter. Element maths is
 * F32 with double scalars rounded to F32, as torch's CPU kernels do; agrees with torch within 1-2 ulp
 * (torch's vector kernels fuse some multiply-adds).
 * Cost: two float arrays of state per parameter, one pass over each per step.
 */
public final class AdamW implements Optimizer {
    /**
     * decayMatricesOnly applies weight decay only to parameters of rank >= 2, as nanoGPT's
     * configure_optimizers does with two torch param groups (biases, norms and gains are not decayed).
     */
    public record Config(double lr, double beta1, double beta2, double eps, double weightDecay, boolean decayMatricesOnly) {
        public Config {
            if (!(lr >= 0)) throw new IllegalArgumentException("lr must be >= 0, got " + lr);
            if (!(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1)) throw new IllegalArgumentException("betas must be in [0, 1), got " + beta1 + ", " + beta2);
            if (!(eps >= 0 && weightDecay >= 0)) throw new IllegalArgumentException("eps and weight decay must be >= 0");
        }

        /** Decay on every parameter, as a single torch param group. */
        public Config(double lr, double beta1, double beta2, double eps, double weightDecay) {
            this(lr, beta1, beta2, eps, weightDecay, false);
        }

        /** torch.optim.AdamW defaults: betas (0.9, 0.999), eps 1e-8, weight decay 0.01. */
        public static Config defaults(double lr) {
            return new Config(lr, 0.9, 0.999, 1e-8, 0.01);
        }
    }

    private static final Set<String> ARRAY_SLOTS = Set.of("exp_avg", "exp_avg_sq");
    private static final Set<String> COUNTER_SLOTS = Set.of("step");

    private final Config config;
    private final LinkedHashMap<String, Tensor> params;
    private final Map<String, float[]> expAvg = new HashMap<>();
    private final Map<String, float[]> expAvgSq = new HashMap<>();
    private final Map<String, Long> steps = new HashMap<>();
    private double lr;

    public AdamW(Map<String, Tensor> params, Config config) {
        this.params = OptimizerState.checkParams(params);
        this.config = config;
        this.lr = config.lr();
    }

    @Override
    public void step() {
        float decay = (float) (1 - lr * config.weightDecay());
        float b1 = (float) config.beta1(), b2 = (float) config.beta2();
        float c1 = (float) (1 - config.beta1()), c2 = (float) (1 - config.beta2());
        float eps = (float) config.eps();
        params.forEach((name, p) -> {
            float[] g = OptimizerState.grad(p);
            if (g == null) return;
            float[] w = OptimizerState.dense(p, name);
            float shrink = config.decayMatricesOnly() && p.rank() < 2 ? 1f : decay;
            float[] m = expAvg.computeIfAbsent(name, k -> new float[w.length]);
            float[] v = expAvgSq.computeIfAbsent(name, k -> new float[w.length]);
            long t = steps.merge(name, 1L, Long::sum);
            double bc1 = 1 - Math.pow(config.beta1(), t);
            float bc2Sqrt = (float) Math.sqrt(1 - Math.pow(config.beta2(), t));
            float stepSize = (float) (lr / bc1);
            for (int i = 0; i < w.length; i++) {
                float gi = g[i];
                m[i] = m[i] * b1 + c1 * gi;
                v[i] = v[i] * b2 + c2 * gi * gi;
                w[i] = w[i] * shrink - stepSize * (m[i] / ((float) Math.sqrt(v[i]) / bc2Sqrt + eps));
            }
        });
    }

    @Override
    public double lr() {
        return lr;
    }

    @Override
    public void setLr(double lr) {
        this.lr = lr;
    }

    @Override
    public Config config() {
        return config;
    }

    @Override
    public Map<String, Tensor> params() {
        return params;
    }

    @Override
    public Map<String, float[]> stateArrays() {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (String name : params.keySet()) {
            if (!steps.containsKey(name)) continue;
            out.put(name + ".exp_avg", expAvg.get(name));
            out.put(name + ".exp_avg_sq", expAvgSq.get(name));
        }
        return out;
    }

    @Override
    public Map<String, Long> stateCounters() {
        Map<String, Long> out = new LinkedHashMap<>();
        for (String name : params.keySet()) if (steps.containsKey(name)) out.put(name + ".step", steps.get(name));
        return out;
    }

    @Override
    public void checkState(Map<String, float[]> arrays, Map<String, Long> counters) {
        OptimizerState.validate(params, arrays, ARRAY_SLOTS, counters, COUNTER_SLOTS);
        for (String name : params.keySet()) {
            boolean any = counters.containsKey(name + ".step") || arrays.containsKey(name + ".exp_avg") || arrays.containsKey(name + ".exp_avg_sq");
            boolean all = counters.containsKey(name + ".step") && arrays.containsKey(name + ".exp_avg") && arrays.containsKey(name + ".exp_avg_sq");
            if (any && !all) throw new IllegalArgumentException("optimizer state for \"" + name + "\" needs step, exp_avg and exp_avg_sq together");
        }
    }

    @Override
    public void loadState(Map<String, float[]> arrays, Map<String, Long> counters) {
        checkState(arrays, counters);
        expAvg.clear();
        expAvgSq.clear();
        steps.clear();
        for (String name : params.keySet()) {
            if (!counters.containsKey(name + ".step")) continue;
            steps.put(name, counters.get(name + ".step"));
            expAvg.put(name, arrays.get(name + ".exp_avg").clone());
            expAvgSq.put(name, arrays.get(name + ".exp_avg_sq").clone());
        }
    }
}
