package ai.emu4j.models.nn;

import ai.emu4j.core.ops.Resample;
import ai.emu4j.core.tensor.Tensor;

/** Max pooling (N, C, H, W) with a square window, no padding, floor mode: torch.nn.MaxPool2d(k, stride). */
public final class MaxPool2d extends Module {
    private final int kernel, stride;

    public MaxPool2d(int kernel, int stride) {
        this.kernel = kernel;
        this.stride = stride;
    }

    @Override
    public Tensor forward(Tensor x) {
        return Resample.maxPool(x, new int[] {kernel, kernel}, new int[] {stride, stride}, new int[] {0, 0});
    }
}
