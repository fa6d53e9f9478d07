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
