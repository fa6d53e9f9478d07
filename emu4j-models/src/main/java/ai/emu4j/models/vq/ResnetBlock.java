package ai.emu4j.models.vq;

import ai.emu4j.core.ops.Unary;
import ai.emu4j.core.tensor.Tensor;

/**
 * Emu3VisionVQResnetBlock: norm -> swish -> conv3x3 -> norm -> swish -> (dropout: identity at
 * inference) -> conv3x3, plus the input (through a 1x1 nin_shortcut when the width changes).
 */
record ResnetBlock(Norm norm1, Conv2d conv1, Norm norm2, Conv2d conv2, Conv2d nin_shortcut) {
    static ResnetBlock load(Params p, String name, int cin, int cout, int zqCh) {
        return new ResnetBlock(
                Norm.load(p, name + ".norm1", cin, zqCh),
                Conv2d.load(p, name + ".conv1", cin, cout, 3, 1, 1),    // [cout, cin, 3, 3]
                Norm.load(p, name + ".norm2", cout, zqCh),
                Conv2d.load(p, name + ".conv2", cout, cout, 3, 1, 1),   // [cout, cout, 3, 3]
                cin == cout ? null : Conv2d.load(p, name + ".nin_shortcut", cin, cout, 1, 1, 0));
    }

    /** x [N, cin, H, W], zq [N, e, h, w] or null -> [N, cout, H, W]. */
    Tensor forward(Tensor x, Tensor zq) {
        Tensor h = conv1.forward(Unary.silu(norm1.apply(x, zq)));   // [N, cout, H, W]
        h = conv2.forward(Unary.silu(norm2.apply(h, zq)));          // [N, cout, H, W]
        Tensor skip = nin_shortcut == null ? x : nin_shortcut.forward(x);
        return skip.add(h);
    }
}
