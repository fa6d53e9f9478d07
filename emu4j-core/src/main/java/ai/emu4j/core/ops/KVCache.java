package ai.emu4j.core.ops;

import ai.emu4j.core.tensor.Storage;
import ai.emu4j.core.tensor.Tensor;

/**
 * Keys and values of earlier positions for one attention layer, preallocated as (B, Hkv, capacity, D)
 * so appending a step copies only the new rows and attention reads a strided view with no copy.
 * Inference only: nothing here records gradients.
 */
public final class KVCache {
    private final Tensor keys, values;
    private final int capacity;
    private int length;
    private float[] scratch;

    public KVCache(int batch, int kvHeads, int capacity, int headDim) {
        this.capacity = capacity;
        keys = Tensor.zeros(batch, kvHeads, capacity, headDim);
        values = Tensor.zeros(batch, kvHeads, capacity, headDim);
    }

    public int length() {
        return length;
    }

    public int capacity() {
        return capacity;
    }

    /** Forgets positions from {@code newLength} on (e.g. to reuse a shared prompt prefix). */
    public void truncate(int newLength) {
        if (newLength < 0 || newLength > length) throw new IllegalArgumentException("truncate to " + newLength + " of " + length);
        length = newLength;
    }

    public int batch() {
        return keys.shape()[0];
    }

    /**
     * A cache of {@code batch} rows, each a copy of this one-row cache (same capacity and length): a prompt
     * prefilled once serves every beam of a beam search.
     */
    public KVCache repeatRows(int batch) {
        if (batch() != 1) throw new IllegalStateException("only a one-row cache can be repeated, this one has " + batch() + " rows");
        int[] s = keys.shape();
        KVCache out = new KVCache(batch, s[1], capacity, s[3]);
        out.length = length;
        int heads = s[1], used = length * s[3], rowStride = heads * capacity * s[3], headStride = capacity * s[3];
        float[] k = ((Storage.Heap) keys.storage()).data(), v = ((Storage.Heap) values.storage()).data();
        float[] ok = ((Storage.Heap) out.keys.storage()).data(), ov = ((Storage.Heap) out.values.storage()).data();
        for (int i = 0; i < batch; i++) {
            for (int h = 0; h < heads; h++) {
                System.arraycopy(k, h * headStride, ok, i * rowStride + h * headStride, used);
                System.arraycopy(v, h * headStride, ov, i * rowStride + h * headStride, used);
            }
        }
        return out;
    }

    /**
     * Row i becomes what row {@code parents[i]} held (beam search: each surviving hypothesis takes over the
     * keys and values of the one it extends). Copies the cached positions of every row twice, through a
     * scratch buffer kept for the next call: 4 x rows x positions x kv heads x head dim floats per call
     * (not timed; rows that stay are copied too).
     */
    public void reorder(int[] parents) {
        int batch = batch();
        if (parents.length != batch) throw new IllegalArgumentException(parents.length + " parents for " + batch + " rows");
        boolean identity = true;
        for (int i = 0; i < batch; i++) {
            if (parents[i] < 0 || parents[i] >= batch) throw new IllegalArgumentException("parent " + parents[i] + " out of 0.." + (batch - 1));
            identity &= parents[i] == i;
        }
        if (identity) return;
        int[] s = keys.shape();
        int heads = s[1], used = length * s[3], rowStride = heads * capacity * s[3], headStride = capacity * s[3];
        int need = Math.multiplyExact(2 * batch * heads, used);
        if (scratch == null || scratch.length < need) scratch = new float[need];
        float[] k = ((Storage.Heap) keys.storage()).data(), v = ((Storage.Heap) values.storage()).data();
        int half = need / 2;
        for (int r = 0; r < batch; r++) {
            for (int h = 0; h < heads; h++) {
                int at = (r * heads + h) * used;
                System.arraycopy(k, r * rowStride + h * headStride, scratch, at, used);
                System.arraycopy(v, r * rowStride + h * headStride, scratch, half + at, used);
            }
        }
        for (int i = 0; i < batch; i++) {
            for (int h = 0; h < heads; h++) {
                int at = (parents[i] * heads + h) * used;
                System.arraycopy(scratch, at, k, i * rowStride + h * headStride, used);
                System.arraycopy(scratch, half + at, v, i * rowStride + h * headStride, used);
            }
        }
    }

    /** Appends k, v (B, Hkv, t, D) and returns views of all cached positions, each (B, Hkv, length, D). */
    public Tensor[] append(Tensor k, Tensor v) {
        int t = k.shape()[2];
        if (length + t > capacity) {
            throw new IllegalStateException("KV cache full: " + length + " cached + " + t + " new > capacity " + capacity);
        }
        Elementwise.copyInto(k.detach(), keys.slice(2, length, length + t).detach());
        Elementwise.copyInto(v.detach(), values.slice(2, length, length + t).detach());
        length += t;
        return new Tensor[] {keys.slice(2, 0, length).detach(), values.slice(2, 0, length).detach()};
    }

    /** Bytes held by the two buffers. */
    public long memoryBytes() {
        return 2L * ((Storage.Heap) keys.storage()).data().length * Float.BYTES;
    }
}
