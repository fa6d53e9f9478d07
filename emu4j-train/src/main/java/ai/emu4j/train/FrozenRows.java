package ai.emu4j.train;

import ai.emu4j.core.tensor.Tensor;

import java.util.Arrays;

/**
 * Rows [from, to) of a 2-D parameter held at their values when this was made: {@link #zeroGrad} before
 * clipping (so they neither move nor count in the gradient norm) and {@link #restore} after each optimizer
 * step (AdamW's decoupled weight decay moves a parameter even with a zero gradient). Cost per step: one
 * copy of the rows.
 */
public final class FrozenRows {
    private final Tensor param;
    private final int start, end;
    private final float[] saved;

    public FrozenRows(Tensor param, int from, int to) {
        if (param.rank() != 2 || from < 0 || to > param.size(0) || from >= to) {
            throw new IllegalArgumentException("rows [" + from + ", " + to + ") of a parameter of shape " + Arrays.toString(param.shape()));
        }
        this.param = param;
        this.start = from * param.size(1);
        this.end = to * param.size(1);
        this.saved = Arrays.copyOfRange(OptimizerState.dense(param, "a frozen parameter"), start, end);
    }

    public void zeroGrad() {
        float[] g = OptimizerState.grad(param);
        if (g != null) Arrays.fill(g, start, end, 0f);
    }

    public void restore() {
        System.arraycopy(saved, 0, OptimizerState.dense(param, "a frozen parameter"), start, saved.length);
    }
}
