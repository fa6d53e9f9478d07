package ai.emu4j.models.vq;

import ai.emu4j.core.ops.Indexing;
import ai.emu4j.core.ops.Resample;
import ai.emu4j.core.ops.Unary;
import ai.emu4j.core.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * Emu3VisionVQDecoder (MoVQ): every norm of the 2D stack is a SpatialNorm conditioned on the
 * quantized latent zq. Split like the encoder so that an image decodes only frame 0 in 2D
 * ({@link #frames}) after the temporal half ({@link #temporal}) made all 4. Shapes below use the
 * published config for a 64x64 latent (512x512 output).
 */
final class Decoder {
    /** One level: num_res_blocks + 1 res blocks, an attention block after each when listed, then Upsample. */
    record Level(List<ResnetBlock> block, List<AttnBlock> attn, Conv2d upsample) {}

    private final List<TemporalResnetBlock> time_res_stack = new ArrayList<>();
    private final List<CausalConv3d> time_conv = new ArrayList<>();
    private final Conv2d conv_in;
    private final ResnetBlock mid_block_1, mid_block_2;
    private final AttnBlock mid_attn_1;
    /** Indexed by level as in the checkpoint ("decoder.up.0" is the full-resolution level); run from the top. */
    private final Level[] up;
    private final Norm.Spatial norm_out;
    private final Conv2d conv_out;

    Decoder(Params p, VQConfig c) {
        int z = c.z_channels(), e = c.embed_dim();
        int[] mult = c.ch_mult();
        for (int i = 0; i < c.num_res_blocks(); i++) {
            time_res_stack.add(TemporalResnetBlock.load(p, "decoder.time_res_stack." + i, z));
        }
        int[] k = {3, 3, 3}, s = {1, 1, 1};
        for (int i = 0; i < c.temporalLayers(); i++) {
            time_conv.add(CausalConv3d.load(p, "decoder.time_conv." + i + ".conv", z, z, k, s));  // [4, 4, 3, 3, 3]
        }
        int blockIn = c.ch() * mult[mult.length - 1];
        conv_in = Conv2d.load(p, "decoder.conv_in", z, blockIn, 3, 1, 1);     // [1024, 4, 3, 3]
        mid_block_1 = ResnetBlock.load(p, "decoder.mid.block_1", blockIn, blockIn, e);
        mid_attn_1 = AttnBlock.load(p, "decoder.mid.attn_1", blockIn, e);
        mid_block_2 = ResnetBlock.load(p, "decoder.mid.block_2", blockIn, blockIn, e);
        up = new Level[mult.length];
        for (int level = mult.length - 1; level >= 0; level--) {
            int blockOut = c.ch() * mult[level];
            String name = "decoder.up." + level;
            List<ResnetBlock> blocks = new ArrayList<>();
            List<AttnBlock> attn = new ArrayList<>();
            for (int i = 0; i < c.num_res_blocks() + 1; i++) {
                blocks.add(ResnetBlock.load(p, name + ".block." + i, blockIn, blockOut, e));
                blockIn = blockOut;
                if (c.attnAt(level)) attn.add(AttnBlock.load(p, name + ".attn." + i, blockIn, e));
            }
            Conv2d upsample = level == 0 ? null : Conv2d.load(p, name + ".upsample.conv", blockIn, blockIn, 3, 1, 1);
            up[level] = new Level(blocks, attn, upsample);
        }
        norm_out = Norm.Spatial.load(p, "decoder.norm_out", blockIn, e);
        conv_out = Conv2d.load(p, "decoder.conv_out", blockIn, c.out_channels(), 3, 1, 1);  // [3, 256, 3, 3]
    }

    /**
     * The temporal half on z = post_quant_conv(quant) and zq = quant, run together as one batch as the
     * original does: z, zq [B, 4, T'=1, 64, 64] -> {z, zq} each [B, 4, T'*4, 64, 64].
     */
    Tensor[] temporal(Tensor z, Tensor zq) {
        int b = z.size(0);
        Tensor h = Indexing.cat(new Tensor[] {z, zq}, 0);                     // [2B, 4, T', 64, 64]
        for (TemporalResnetBlock block : time_res_stack) h = block.forward(h);
        for (CausalConv3d conv : time_conv) {
            int[] s = h.shape();                                              // [2B, 4, T, 64, 64]
            Tensor twice = h.unsqueeze(3).expand(s[0], s[1], s[2], 2, s[3], s[4])
                    .reshape(s[0], s[1], 2 * s[2], s[3], s[4]);               // nearest x2 in time: [2B, 4, 2T, 64, 64]
            h = Unary.silu(conv.forward(twice));
        }
        return new Tensor[] {h.slice(0, 0, b), h.slice(0, b, 2 * b)};
    }

    /** The per-frame 2D stack: h [F, 4, 64, 64], zq [F, 4, 64, 64] -> [F, 3, 512, 512]. */
    Tensor frames(Tensor h, Tensor zq) {
        return conv_out.forward(features(h, zq));
    }

    /** The last layer, whose weight gradient scales the GAN term in training (taming's adaptive weight). */
    Conv2d convOut() {
        return conv_out;
    }

    /** {@link #frames} up to the input of conv_out: [F, 4, 64, 64] -> [F, 256, 512, 512]. */
    Tensor features(Tensor h, Tensor zq) {
        h = conv_in.forward(h);                                               // [F, 1024, 64, 64]
        h = mid_block_1.forward(h, zq);
        h = mid_attn_1.forward(h, zq);
        h = mid_block_2.forward(h, zq);
        for (int level = up.length - 1; level >= 0; level--) {
            Level l = up[level];
            for (int i = 0; i < l.block().size(); i++) {
                h = l.block().get(i).forward(h, zq);                          // [F, ch*mult, H_l, W_l]
                if (!l.attn().isEmpty()) h = l.attn().get(i).forward(h, zq);
            }
            if (l.upsample() != null) {
                int[] s = h.shape();
                h = Resample.interpolate(h, new int[] {2 * s[2], 2 * s[3]}, Resample.Mode.NEAREST, false); // [F, C, 2H_l, 2W_l]
                h = l.upsample().forward(h);
            }
        }
        return Unary.silu(norm_out.apply(h, zq));                             // [F, 256, 512, 512]
    }
}
