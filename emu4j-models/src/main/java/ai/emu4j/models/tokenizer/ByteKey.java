package ai.emu4j.models.tokenizer;

import java.util.Arrays;

/**
 * A byte range used as a hash key. Lookups wrap a range of the piece being merged without copying it;
 * stored keys own exact-size arrays.
 */
final class ByteKey {
    final byte[] bytes;
    final int from;
    final int to;
    private final int hash;

    ByteKey(byte[] bytes, int from, int to) {
        this.bytes = bytes;
        this.from = from;
        this.to = to;
        int h = 1;
        for (int i = from; i < to; i++) h = 31 * h + bytes[i];
        this.hash = h;
    }

    static ByteKey of(byte[] bytes) {
        return new ByteKey(bytes, 0, bytes.length);
    }

    byte[] toArray() {
        return Arrays.copyOfRange(bytes, from, to);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ByteKey k && hash == k.hash && Arrays.equals(bytes, from, to, k.bytes, k.from, k.to);
    }
}
