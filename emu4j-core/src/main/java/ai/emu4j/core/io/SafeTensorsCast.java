package ai.emu4j.core.io;

import ai.emu4j.core.tensor.DType;
import ai.emu4j.core.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Rewrites a .safetensors file with every floating-point tensor stored as another float dtype
 * (F32, F16 or BF16; nearest-even rounding like PyTorch's {@code .to()}); integer and bool tensors and
 * the metadata are copied unchanged. The output is written to a temporary file and renamed, so
 * {@code in} and {@code out} may be the same file.
 */
public final class SafeTensorsCast {
    private SafeTensorsCast() {}

    /** Returns the number of tensors whose dtype changed. */
    public static int cast(Path in, Path out, DType target) throws IOException {
        if (target != DType.F32 && target != DType.F16 && target != DType.BF16) {
            throw new IllegalArgumentException("can cast to F32, F16 or BF16, not " + target);
        }
        int changed = 0;
        try (SafeTensorsFile f = SafeTensors.open(in)) {
            SafeTensorsWriter w = new SafeTensorsWriter();
            f.metadata().forEach(w::metadata);
            for (TensorEntry e : f.entries()) {
                if (e.dtype() == null) throw new IOException(in + ": tensor " + e.name() + " has dtype " + e.dtypeName() + ", which emu4j does not store");
                if (!e.dtype().isFloatingPoint() || e.dtype() == target) {
                    w.add(e.name(), e.dtype(), e.shape(), f.data(e));
                    continue;
                }
                int[] shape = new int[e.rank()];
                for (int i = 0; i < shape.length; i++) shape[i] = Math.toIntExact(e.shape()[i]);
                w.addFloats(e.name(), target, e.shape(), Tensor.fromSegment(f.data(e), e.dtype(), shape).toFloatArray());
                changed++;
            }
            w.write(out);
        }
        return changed;
    }
}
