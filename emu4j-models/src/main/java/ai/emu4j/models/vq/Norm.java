package ai.emu4j.models.vq;

import ai.emu4j.core.autograd.GradMode;
import ai.emu4j.core.kernels.Parallel;
import ai.emu4j.core.ops.Norms;
import ai.emu4j.core.ops.Resample;
import ai.emu4j.core.tensor.Tensor;

/**
 * The 2D stacks' normalisation: plain GroupNorm(32, eps 1e-6) in the encoder, SpatialNorm
 * (GroupNorm modulated by the quantized latent) in the decoder. One interface so that ResnetBlock
 * and AttnBlock are written once, as in the original.
 */
sealed interface Norm permits Norm.Group, Norm.Spatial {
    float EPS = 1e-6f;

    /** x [N, C, H, W]; zq [N, embed_dim, h, w] (ignored by GroupNorm) -> [N, C, H, W]. */
    Tensor apply(Tensor x, Tensor zq);

    /** Encoder norm, or SpatialNorm when the decoder passes the codebook width {@code zqCh > 0}. */
    static Norm load(Params p, String name, int channels, int zqCh) {
        return zqCh > 0 ? Spatial.load(p, name, channels, zqCh) : Group.load(p, name, channels);
    }

    /** nn.GroupNorm(32, C, eps=1e-6, affine=True): weight [C], bias [C]. */
    record Group(Tensor weight, Tensor bias) implements Norm {
        static Group load(Params p, String name, int channels) {
            return new Group(p.take(name + ".weight", channels), p.take(name + ".bias", channels));
        }

        public Tensor apply(Tensor x, Tensor zq) {
            return Norms.groupNorm(x, VQConfig.GROUPS, weight, bias, EPS);
        }
    }

    /**
     * MoVQ SpatialNorm (add_conv=False): GroupNorm(x) * conv_y(zq') + conv_b(zq'), zq' = zq resized
     * (nearest) to x's H x W. conv_y/conv_b are 1x1 convs embed_dim -> C. Inference uses a fused
     * loop that records no autograd node; when gradients are recorded and any input needs one (training,
     * see {@link Emu3VQTrainable}) the same formula runs as differentiable ops, which costs two
     * [N, C, H, W] temporaries.
     */
    record Spatial(Group norm_layer, Conv2d conv_y, Conv2d conv_b) implements Norm {
        static Spatial load(Params p, String name, int channels, int zqCh) {
            return new Spatial(Group.load(p, name + ".norm_layer", channels),
                    Conv2d.load(p, name + ".conv_y", zqCh, channels, 1, 1, 0),
                    Conv2d.load(p, name + ".conv_b", zqCh, channels, 1, 1, 0));
        }

        public Tensor apply(Tensor x, Tensor zq) {
            if (GradMode.isEnabled() && (x.requiresGrad() || zq.requiresGrad() || conv_y.weight().requiresGrad())) return applyDifferentiable(x, zq);
            int[] s = x.shape();
            int batch = s[0], c = s[1], hw = s[2] * s[3], e = zq.size(1);
            Tensor z = Resample.interpolate(zq, new int[] {s[2], s[3]}, Resample.Mode.NEAREST, false); // [N, e, H, W]
            float[] n = norm_layer.apply(x, null).dataF32();                                            // [N, C, H, W]
            float[] zd = z.dataF32();
            float[] wy = conv_y.weight().dataF32(), by = conv_y.bias().dataF32();                     // [C, e, 1, 1], [C]
            float[] wb = conv_b.weight().dataF32(), bb = conv_b.bias().dataF32();
            // n * conv_y(z) + conv_b(z), with the two 1x1 convs (e = 4 inputs) evaluated per pixel
            // instead of as two [N, C, H, W] tensors: saves 1 GB at 512 channels and 512x512.
            float[] out = new float[n.length];
            Parallel.forRange(batch * c, Math.max(1, (1 << 16) / Math.max(1, hw)), (lo, hi) -> {
                for (int bc = lo; bc < hi; bc++) {
                    int b = bc / c, ch = bc % c, base = bc * hw, zb = b * e * hw;
                    for (int i = 0; i < hw; i++) {
                        float gy = 0, gb = 0;
                        for (int j = 0; j < e; j++) {
                            float zv = zd[zb + j * hw + i];
                            gy += wy[ch * e + j] * zv;
                            gb += wb[ch * e + j] * zv;
                        }
                        out[base + i] = n[base + i] * (gy + by[ch]) + (gb + bb[ch]);
                    }
                }
            });
            return Tensor.of(out, s);
        }

        private Tensor applyDifferentiable(Tensor x, Tensor zq) {
            Tensor z = Resample.interpolate(zq, new int[] {x.size(2), x.size(3)}, Resample.Mode.NEAREST, false); // [N, e, H, W]
            return norm_layer.apply(x, null).mul(conv_y.forward(z)).add(conv_b.forward(z));                      // [N, C, H, W]
        }
    }
}
