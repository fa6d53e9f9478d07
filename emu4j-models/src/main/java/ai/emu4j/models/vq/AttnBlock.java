package ai.emu4j.models.vq;

import ai.emu4j.core.ops.Softmax;
import ai.emu4j.core.tensor.Tensor;

/**
 * Emu3VisionVQAttnBlock: single-head self-attention over the H*W positions of one frame, with
 * 1x1-conv projections. Costs (H*W)^2 floats per frame for the score matrix: 64 MB at a 64x64
 * latent (512x512 image), 262 MB at 90x90 (720x720).
 */
record AttnBlock(Norm norm, Conv2d q, Conv2d k, Conv2d v, Conv2d proj_out) {
    static AttnBlock load(Params p, String name, int c, int zqCh) {
        return new AttnBlock(Norm.load(p, name + ".norm", c, zqCh),
                Conv2d.load(p, name + ".q", c, c, 1, 1, 0),           // [C, C, 1, 1]
                Conv2d.load(p, name + ".k", c, c, 1, 1, 0),
                Conv2d.load(p, name + ".v", c, c, 1, 1, 0),
                Conv2d.load(p, name + ".proj_out", c, c, 1, 1, 0));
    }

    /** x [N, C, H, W], zq [N, e, h, w] or null -> [N, C, H, W]. */
    Tensor forward(Tensor x, Tensor zq) {
        int[] s = x.shape();
        int n = s[0], c = s[1], hw = s[2] * s[3];
        Tensor nx = norm.apply(x, zq);                                        // [N, C, H, W]
        Tensor qs = q.forward(nx).reshape(n, c, hw);                          // [N, C, HW]
        Tensor ks = k.forward(nx).reshape(n, c, hw);                          // [N, C, HW]
        Tensor vs = v.forward(nx).reshape(n, c, hw);                          // [N, C, HW]
        Tensor score = qs.permute(0, 2, 1).matmul(ks)                         // [N, HW(query), HW(key)]
                .mul((float) (1.0 / Math.sqrt(c)));
        score = Softmax.softmax(score, 2);
        Tensor out = vs.matmul(score.permute(0, 2, 1)).reshape(n, c, s[2], s[3]); // [N, C, H, W]
        return x.add(proj_out.forward(out));
    }
}
