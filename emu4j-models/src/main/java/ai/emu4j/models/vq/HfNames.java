package ai.emu4j.models.vq;

import java.util.regex.Pattern;

/**
 * Converts tensor names of the transformers port ({@code Emu3VQVAE}, models/emu3/modeling_emu3.py)
 * to the original Emu3 names ({@code Emu3VisionVQModel}) that this package binds. The port regroups
 * modules and moves each attention block's norm out of the block:
 * <pre>
 *   encoder.down_block.down.L.…             -> encoder.down.L.…
 *   decoder.up_block.up.L.…                 -> decoder.up.L.…
 *   *.middle_block.…                        -> *.mid.…
 *   ….attn_norms.J.…                        -> ….attn.J.norm.…
 *   *.mid.attn_norm.…                       -> *.mid.attn_1.norm.…
 *   ….attn.J.{q,k,v,out}_proj.…, attn_1.…   -> ….attn.J.{q,k,v,proj_out}.…
 * </pre>
 * The port's q/k/v/out projections are nn.Linear [C, C] where the original has 1x1 Conv2d
 * [C, C, 1, 1]: the same numbers in the same order (y = W x + b per pixel), so the loader accepts the
 * rank-2 shape for those names and views it as rank 4 at no cost. Every other name (conv_in, temporal
 * stacks, quantize.embedding, quant_conv, ...) is the same in both layouts.
 */
public final class HfNames {
    private HfNames() {}

    private static final Pattern ATTN_NORMS = Pattern.compile("\\.attn_norms\\.(\\d+)\\.");
    private static final Pattern PROJ = Pattern.compile("\\.(attn\\.\\d+|attn_1)\\.(q|k|v|out)_proj\\.");
    private static final Pattern ORIGINAL_PROJ = Pattern.compile("\\.(attn\\.\\d+|attn_1)\\.(q|k|v|proj_out)\\.weight$");

    /** True when a name uses the transformers layout (only that layout has these module names). */
    public static boolean isHfName(String name) {
        return name.contains("down_block.") || name.contains("up_block.") || name.contains("middle_block.");
    }

    /** The original Emu3 name for a transformers-layout name; other names come back unchanged. */
    public static String toOriginal(String hf) {
        String s = hf.replace("encoder.down_block.down.", "encoder.down.")
                .replace("decoder.up_block.up.", "decoder.up.")
                .replace(".middle_block.", ".mid.");
        if (s.startsWith("middle_block.")) s = "mid." + s.substring("middle_block.".length());
        s = s.replace(".mid.attn_norm.", ".mid.attn_1.norm.");
        s = ATTN_NORMS.matcher(s).replaceAll(".attn.$1.norm.");
        s = PROJ.matcher(s).replaceAll(m -> "." + m.group(1) + "." + ("out".equals(m.group(2)) ? "proj_out" : m.group(2)) + ".");
        return s;
    }

    /** Whether an original name is an attention projection weight, stored as Linear [C, C] by the port. */
    static boolean isProjectionWeight(String original) {
        return ORIGINAL_PROJ.matcher(original).find();
    }
}
