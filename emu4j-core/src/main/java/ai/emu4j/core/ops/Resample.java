package ai.emu4j.core.ops;

import ai.emu4j.core.kernels.Interpolate;
import ai.emu4j.core.kernels.Pool;
import ai.emu4j.core.tensor.Shape;
import ai.emu4j.core.tensor.Tensor;

import java.util.Arrays;

/** Differentiable interpolation and pooling over (N, C, *spatial), wrapping the plane kernels. */
public final class Resample {
    private Resample() {}

    public enum Mode { NEAREST, BILINEAR, BICUBIC }

    /** F.interpolate(x, size=outSize, mode, align_corners); bilinear and bicubic need 2 spatial dims. */
    public static Tensor interpolate(Tensor x, int[] outSize, Mode mode, boolean alignCorners) {
        int[] xs = x.shape();
        int dims = xs.length - 2;
        if (dims < 1 || dims > 3 || outSize.length != dims) {
            throw new IllegalArgumentException("interpolate: input " + Arrays.toString(xs) + " with output size " + Arrays.toString(outSize));
        }
        if (mode != Mode.NEAREST && dims != 2) throw new IllegalArgumentException("interpolate: " + mode + " needs 4-d input (N, C, H, W)");
        for (int s : outSize) if (s <= 0) throw new IllegalArgumentException("interpolate: output size must be positive: " + Arrays.toString(outSize));
        int planes = xs[0] * xs[1];
        int[] in = Arrays.copyOfRange(xs, 2, xs.length);
        int[] os = xs.clone();
        System.arraycopy(outSize, 0, os, 2, dims);
        float[] xd = x.dataF32();
        float[] y = new float[Math.toIntExact(Shape.numel(os))];
        switch (mode) {
            case NEAREST -> Interpolate.nearest(planes, in, outSize, xd, y);
            case BILINEAR -> Interpolate.bilinear(planes, in[0], in[1], outSize[0], outSize[1], alignCorners, xd, y);
            case BICUBIC -> Interpolate.bicubic(planes, in[0], in[1], outSize[0], outSize[1], alignCorners, xd, y);
        }
        return Tensor.of(y, os).recordOp("interpolate_" + mode.name().toLowerCase(), new Tensor[] {x}, g -> {
            float[] dy = g.dataF32();
            float[] dx = new float[xd.length];
            switch (mode) {
                case NEAREST -> Interpolate.nearestBackward(planes, in, outSize, dy, dx);
                case BILINEAR -> Interpolate.bilinearBackward(planes, in[0], in[1], outSize[0], outSize[1], alignCorners, dy, dx);
                case BICUBIC -> Interpolate.bicubicBackward(planes, in[0], in[1], outSize[0], outSize[1], alignCorners, dy, dx);
            }
            return new Tensor[] {Tensor.of(dx, xs)};
        });
    }

    /** Average pooling over 1 to 3 spatial dims (PyTorch avg_poolNd, ceil_mode false). */
    public static Tensor avgPool(Tensor x, int[] kernel, int[] stride, int[] padding, boolean countIncludePad) {
        int[] xs = x.shape();
        Pool.Geometry g = poolGeometry(xs, kernel, stride, padding);
        float[] xd = x.dataF32();
        int[] os = outShape(xs, g.outSize());
        float[] y = new float[Math.toIntExact(Shape.numel(os))];
        Pool.avgForward(g, countIncludePad, xd, y);
        return Tensor.of(y, os).recordOp("avg_pool", new Tensor[] {x}, gy -> {
            float[] dx = new float[xd.length];
            Pool.avgBackward(g, countIncludePad, gy.dataF32(), dx);
            return new Tensor[] {Tensor.of(dx, xs)};
        });
    }

    /** Max pooling over 1 to 3 spatial dims (ceil_mode false, dilation 1). */
    public static Tensor maxPool(Tensor x, int[] kernel, int[] stride, int[] padding) {
        int[] xs = x.shape();
        Pool.Geometry g = poolGeometry(xs, kernel, stride, padding);
        float[] xd = x.dataF32();
        int[] os = outShape(xs, g.outSize());
        int n = Math.toIntExact(Shape.numel(os));
        float[] y = new float[n];
        int[] argmax = new int[n];
        Pool.maxForward(g, xd, y, argmax);
        return Tensor.of(y, os).recordOp("max_pool", new Tensor[] {x}, gy -> {
            float[] dx = new float[xd.length];
            Pool.maxBackward(g, gy.dataF32(), argmax, dx);
            return new Tensor[] {Tensor.of(dx, xs)};
        });
    }

    private static Pool.Geometry poolGeometry(int[] xs, int[] kernel, int[] stride, int[] padding) {
        int dims = xs.length - 2;
        if (dims < 1 || dims > 3) throw new IllegalArgumentException("pool wants (N, C, *spatial) with 1-3 spatial dims, got " + Arrays.toString(xs));
        return new Pool.Geometry(xs[0] * xs[1], Arrays.copyOfRange(xs, 2, xs.length), kernel, stride == null ? kernel : stride, padding);
    }

    private static int[] outShape(int[] xs, int[] spatial) {
        int[] os = xs.clone();
        System.arraycopy(spatial, 0, os, 2, spatial.length);
        return os;
    }
}
