package ai.emu4j.models.vq;

import ai.emu4j.core.ops.ConvOps;
import ai.emu4j.core.ops.Unary;
import ai.emu4j.core.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * Emu3VisionVQEncoder, split in its two halves so that a still image runs the 2D half once
 * ({@link #frames}) and only the cheap temporal half ({@link #temporal}) sees the 4 repeated frames.
 * Shapes below use the published config (ch 256, ch_mult [1,2,2,4], z 4) for a 512x512 frame.
 */
final class Encoder {
    /** One resolution level: res blocks, an attention block after each when the level is listed, then Downsample. */
    record Level(List<ResnetBlock> block, List<AttnBlock> attn, Conv2d downsample) {}

    private final Conv2d conv_in;
    private final List<Level> down = new ArrayList<>();
    private final ResnetBlock mid_block_1, mid_block_2;
    private final AttnBlock mid_attn_1;
    private final Norm.Group norm_out;
    private final Conv2d conv_out;
    private final List<CausalConv3d> time_conv = new ArrayList<>();
    private final List<TemporalResnetBlock> time_res_stack = new ArrayList<>();

    Encoder(Params p, VQConfig c) {
        conv_in = Conv2d.load(p, "encoder.conv_in", c.in_channels(), c.ch(), 3, 1, 1);  // [256, 3, 3, 3]
        int[] mult = c.ch_mult();
        int blockIn = c.ch();
        for (int level = 0; level < mult.length; level++) {
            int blockOut = c.ch() * mult[level];
            List<ResnetBlock> blocks = new ArrayList<>();
            List<AttnBlock> attn = new ArrayList<>();
            for (int i = 0; i < c.num_res_blocks(); i++) {
                String name = "encoder.down." + level;
                blocks.add(ResnetBlock.load(p, name + ".block." + i, blockIn, blockOut, 0));
                blockIn = blockOut;
                if (c.attnAt(level)) attn.add(AttnBlock.load(p, name + ".attn." + i, blockIn, 0));
            }
            Conv2d downsample = level == mult.length - 1 ? null
                    : Conv2d.load(p, "encoder.down." + level + ".downsample.conv", blockIn, blockIn, 3, 2, 0);
            down.add(new Level(blocks, attn, downsample));
        }
        mid_block_1 = ResnetBlock.load(p, "encoder.mid.block_1", blockIn, blockIn, 0);  // 1024 -> 1024
        mid_attn_1 = AttnBlock.load(p, "encoder.mid.attn_1", blockIn, 0);
        mid_block_2 = ResnetBlock.load(p, "encoder.mid.block_2", blockIn, blockIn, 0);
        norm_out = Norm.Group.load(p, "encoder.norm_out", blockIn);
        conv_out = Conv2d.load(p, "encoder.conv_out", blockIn, c.z_channels(), 3, 1, 1);  // [4, 1024, 3, 3]
        int[] k = {4, 3, 3}, s = {2, 1, 1};
        for (int i = 0; i < c.temporalLayers(); i++) {
            time_conv.add(CausalConv3d.load(p, "encoder.time_conv." + i + ".conv", c.z_channels(), c.z_channels(), k, s));  // [4, 4, 4, 3, 3]
        }
        for (int i = 0; i < c.num_res_blocks(); i++) {
            time_res_stack.add(TemporalResnetBlock.load(p, "encoder.time_res_stack." + i, c.z_channels()));
        }
    }

    /** The per-frame 2D stack: x [F, 3, 512, 512] -> [F, z=4, 64, 64]. */
    Tensor frames(Tensor x) {
        Tensor h = conv_in.forward(x);                                        // [F, 256, 512, 512]
        for (Level level : down) {
            for (int i = 0; i < level.block().size(); i++) {
                h = level.block().get(i).forward(h, null);                    // [F, ch*mult, H_l, W_l]
                if (!level.attn().isEmpty()) h = level.attn().get(i).forward(h, null);
            }
            if (level.downsample() != null) {
                // Asymmetric: one zero column right and one row below, then stride 2 with no padding.
                h = level.downsample().forward(ConvOps.pad(h, new int[] {0, 1, 0, 1}, 0f)); // [F, C, H_l/2, W_l/2]
            }
        }
        h = mid_block_1.forward(h, null);                                     // [F, 1024, 64, 64]
        h = mid_attn_1.forward(h, null);
        h = mid_block_2.forward(h, null);
        h = Unary.silu(norm_out.apply(h, null));
        return conv_out.forward(h);                                           // [F, 4, 64, 64]
    }

    /** The temporal stack over one chunk: h [B, z, T=4, 64, 64] -> [B, z, T/4=1, 64, 64]. */
    Tensor temporal(Tensor h) {
        for (CausalConv3d conv : time_conv) h = Unary.silu(conv.forward(h));  // T: 4 -> 2 -> 1
        for (TemporalResnetBlock block : time_res_stack) h = block.forward(h);
        return h;
    }
}
