package ai.emu4j.core.ops;

import ai.emu4j.core.tensor.Shape;
import ai.emu4j.core.tensor.Storage;
import ai.emu4j.core.tensor.Tensor;

import java.util.Arrays;

/** Gathers, concatenation and masking. */
public final class Indexing {
    private Indexing() {}

    /**
     * Rows of weight (V, D) picked by integer ids of any shape: result (*ids.shape, D). Works straight
     * from a mapped F16/BF16 table (only the picked rows are converted). The gradient scatter-adds into a
     * dense (V, D) buffer.
     */
    public static Tensor embedding(Tensor weight, Tensor ids) {
        int[] ws = weight.shape();
        if (ws.length != 2) throw new IllegalArgumentException("embedding table must be (V, D), got " + Arrays.toString(ws));
        int v = ws[0], d = ws[1];
        int[] idx = ids.toIntArray();
        float[] out = new float[Math.multiplyExact(idx.length, d)];
        for (int i = 0; i < idx.length; i++) {
            if (idx[i] < 0 || idx[i] >= v) throw new IndexOutOfBoundsException("token id " + idx[i] + " outside the embedding table of " + v + " rows");
            Tensor row = weight.select(0, idx[i]).detach();
            if (row.storage() instanceof Storage.Heap h && row.isContiguous()) System.arraycopy(h.data(), (int) row.offset(), out, i * d, d);
            else System.arraycopy(row.toFloatArray(), 0, out, i * d, d);
        }
        int[] is = ids.shape();
        int[] os = Arrays.copyOf(is, is.length + 1);
        os[is.length] = d;
        return Tensor.of(out, os).recordOp("embedding", new Tensor[] {weight}, g -> {
            float[] gd = g.dataF32();
            float[] gw = new float[Math.multiplyExact(v, d)];
            for (int i = 0; i < idx.length; i++) {
                int o = idx[i] * d;
                for (int j = 0; j < d; j++) gw[o + j] += gd[i * d + j];
            }
            return new Tensor[] {Tensor.of(gw, ws)};
        });
    }

    /** Concatenation along dim; shapes must agree elsewhere. */
    public static Tensor cat(Tensor[] parts, int dim) {
        if (parts.length == 0) throw new IllegalArgumentException("cat of nothing");
        int[] s0 = parts[0].shape();
        int d = Shape.dim(dim, s0.length);
        int total = 0;
        for (Tensor p : parts) {
            int[] s = p.shape();
            if (s.length != s0.length) throw new IllegalArgumentException("cat: rank mismatch " + Arrays.toString(s) + " vs " + Arrays.toString(s0));
            for (int i = 0; i < s.length; i++) {
                if (i != d && s[i] != s0[i]) throw new IllegalArgumentException("cat: shape " + Arrays.toString(s) + " vs " + Arrays.toString(s0) + " on dimension " + i);
            }
            total = Math.addExact(total, s[d]);
        }
        int[] os = s0.clone();
        os[d] = total;
        Tensor out = Tensor.zeros(os);
        int at = 0;
        int[] starts = new int[parts.length];
        for (int k = 0; k < parts.length; k++) {
            starts[k] = at;
            int len = parts[k].shape()[d];
            Elementwise.copyInto(parts[k], out.slice(d, at, at + len).detach());
            at += len;
        }
        return out.recordOp("cat", parts, g -> {
            Tensor[] gs = new Tensor[parts.length];
            for (int k = 0; k < parts.length; k++) {
                if (!parts[k].requiresGrad()) continue;
                gs[k] = g.slice(d, starts[k], starts[k] + parts[k].shape()[d]).contiguous();
            }
            return gs;
        });
    }

    public static Tensor stack(Tensor[] parts, int dim) {
        Tensor[] u = new Tensor[parts.length];
        int r = parts.length == 0 ? 0 : parts[0].rank() + 1;
        for (int i = 0; i < parts.length; i++) u[i] = parts[i].unsqueeze(dim < 0 ? dim + r : dim);
        return cat(u, dim < 0 ? dim + r : dim);
    }

    /** Where mask (broadcast to x) is non-zero the result is value, elsewhere x; no gradient flows through filled spots. */
    public static Tensor maskedFill(Tensor x, Tensor mask, float value) {
        int[] s = x.shape();
        float[] in = x.dataF32();
        float[] m = Elementwise.expandTo(mask.dtype() == ai.emu4j.core.tensor.DType.F32 ? mask : Tensor.of(mask.toFloatArray(), mask.shape()), s);
        float[] out = new float[in.length];
        for (int i = 0; i < in.length; i++) out[i] = m[i] != 0 ? value : in[i];
        return Tensor.of(out, s).recordOp("masked_fill", new Tensor[] {x}, g -> {
            float[] gd = g.dataF32();
            float[] gx = new float[in.length];
            for (int i = 0; i < in.length; i++) gx[i] = m[i] != 0 ? 0f : gd[i];
            return new Tensor[] {Tensor.of(gx, s)};
        });
    }
}
