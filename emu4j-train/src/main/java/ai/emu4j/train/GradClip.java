package ai.emu4j.train;

import ai.emu4j.core.tensor.Tensor;

/** Gradient clipping by global norm. */
public final class GradClip {
    private GradClip() {}

    /**
     * torch.nn.utils.clip_grad_norm_ with the L2 norm: scales every gradient by
     * min(1, maxNorm / (total + 1e-6)) in place and returns the total norm before clipping (NaN or
     * infinite if a gradient is; callers decide whether to skip the step). Parameters without a
     * gradient are ignored. Sums in double, so the norm does not depend on parameter order.
     */
    public static double clipGradNorm(Iterable<Tensor> params, double maxNorm) {
        double sumSq = 0;
        for (Tensor p : params) {
            if (p.grad() == null) continue;
            for (float v : OptimizerState.grad(p)) sumSq += (double) v * v;
        }
        double total = Math.sqrt(sumSq);
        double coef = maxNorm / (total + 1e-6);
        if (coef < 1) {
            float c = (float) coef;
            for (Tensor p : params) {
                if (p.grad() == null) continue;
                float[] g = OptimizerState.grad(p);
                for (int i = 0; i < g.length; i++) g[i] *= c;
            }
        }
        return total;
    }
}
