package ai.emu4j.train;

import ai.emu4j.core.tensor.Tensor;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * torch.optim.SGD: d = g + wd*p (L2 decay, coupled, unlike AdamW); with momentum the buffer starts as
 * d and then b = mu*b + (1-dampening)*d; the step uses d + mu*b (nesterov) or b; p -= lr*step.
 * The gradient array is read, never modified. Cost: one float array per parameter with momentum.
 */
public final class Sgd implements Optimizer {
    public record Config(double lr, double momentum, double dampening, double weightDecay, boolean nesterov) {
        public Config {
            if (!(lr >= 0 && momentum >= 0 && weightDecay >= 0)) throw new IllegalArgumentException("lr, momentum and weight decay must be >= 0");
            if (nesterov && (momentum <= 0 || dampening != 0)) throw new IllegalArgumentException("nesterov needs momentum > 0 and zero dampening, as in torch");
        }

        public static Config plain(double lr) {
            return new Config(lr, 0, 0, 0, false);
        }
    }

    private static final Set<String> ARRAY_SLOTS = Set.of("momentum_buffer");

    private final Config config;
    private final LinkedHashMap<String, Tensor> params;
    private final Map<String, float[]> buffers = new HashMap<>();
    private double lr;

    public Sgd(Map<String, Tensor> params, Config config) {
        this.params = OptimizerState.checkParams(params);
        this.config = config;
        this.lr = config.lr();
    }

    @Override
    public void step() {
        float wd = (float) config.weightDecay(), mu = (float) config.momentum(), keep = (float) (1 - config.dampening());
        float negLr = (float) -lr;
        params.forEach((name, p) -> {
            float[] g = OptimizerState.grad(p);
            if (g == null) return;
            float[] w = OptimizerState.dense(p, name);
            if (mu == 0) {
                for (int i = 0; i < w.length; i++) w[i] += negLr * (g[i] + wd * w[i]);
                return;
            }
            float[] b = buffers.get(name);
            boolean first = b == null;
            if (first) buffers.put(name, b = new float[w.length]);
            for (int i = 0; i < w.length; i++) {
                float d = g[i] + wd * w[i];
                b[i] = first ? d : b[i] * mu + keep * d;
                w[i] += negLr * (config.nesterov() ? d + mu * b[i] : b[i]);
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
        for (String name : params.keySet()) if (buffers.containsKey(name)) out.put(name + ".momentum_buffer", buffers.get(name));
        return out;
    }

    @Override
    public Map<String, Long> stateCounters() {
        return Map.of();
    }

    @Override
    public void checkState(Map<String, float[]> arrays, Map<String, Long> counters) {
        OptimizerState.validate(params, arrays, ARRAY_SLOTS, counters, Set.of());
        if (config.momentum() == 0 && !arrays.isEmpty()) throw new IllegalArgumentException("momentum buffers given to SGD without momentum");
    }

    @Override
    public void loadState(Map<String, float[]> arrays, Map<String, Long> counters) {
        checkState(arrays, counters);
        buffers.clear();
        arrays.forEach((key, a) -> buffers.put(key.substring(0, key.lastIndexOf('.')), a.clone()));
    }
}
