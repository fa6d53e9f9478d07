package ai.emu4j.models.tokenizer;

/**
 * Open-addressing map from a token pair to {@code rank << 32 | mergedId}. Merge lookups are the inner
 * loop of encoding; a HashMap&lt;Long, Long&gt; would allocate a key per probe.
 */
final class PairMap {
    private static final long EMPTY = -1L;
    private final long[] keys;
    private final long[] values;
    private final int mask;
    private int size;

    PairMap(int expected) {
        int cap = Integer.highestOneBit(Math.max(4, expected) * 2 - 1) << 1;
        keys = new long[cap];
        values = new long[cap];
        mask = cap - 1;
        java.util.Arrays.fill(keys, EMPTY);
    }

    static long key(int left, int right) {
        return (long) left << 32 | (right & 0xFFFFFFFFL);
    }

    private int slot(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h >>> 40) & mask;
    }

    /** Inserts unless present; returns the existing value or -1 when inserted. */
    long putIfAbsent(long key, long value) {
        if (size * 2 >= keys.length) throw new IllegalStateException("PairMap sized for fewer entries");
        for (int i = slot(key); ; i = (i + 1) & mask) {
            if (keys[i] == EMPTY) {
                keys[i] = key;
                values[i] = value;
                size++;
                return -1;
            }
            if (keys[i] == key) return values[i];
        }
    }

    long get(long key) {
        for (int i = slot(key); ; i = (i + 1) & mask) {
            if (keys[i] == EMPTY) return -1;
            if (keys[i] == key) return values[i];
        }
    }

    int size() {
        return size;
    }
}
