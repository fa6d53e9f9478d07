package ai.emu4j.models.tokenizer;

import java.util.Arrays;

/**
 * Rank-ordered byte-pair merging of one pre-tokenized piece. Repeatedly merges the adjacent pair with
 * the lowest rank, the leftmost on ties, which is both tiktoken's and Hugging Face's rule. Parts live in
 * a doubly linked list over the piece's byte positions and candidate pairs in a binary heap of
 * {@code rank << 32 | position}; a popped candidate whose pair has changed since it was pushed is
 * recognised by looking its rank up again and dropped. That costs O(n log n) for a piece of n bytes,
 * where re-scanning all pairs after each merge (tiktoken's Python fallback) is O(n^2) and takes
 * seconds on a 100 kB run of letters.
 */
final class BpeMerger {
    /**
     * The merge of part [a, b) (id leftId) with part [b, c) (id rightId): {@code rank << 32 | mergedId},
     * or -1 when the pair is not a merge.
     */
    interface PairTable {
        long lookup(byte[] piece, int a, int b, int c, int leftId, int rightId);
    }

    private BpeMerger() {}

    /** Merges a piece whose bytes start as the given ids (one per byte); returns the final ids. */
    static int[] merge(byte[] piece, int[] byteIds, PairTable table) {
        int n = piece.length;
        if (n <= 1) return byteIds.clone();
        int[] id = byteIds.clone();
        int[] next = new int[n];
        int[] prev = new int[n];
        boolean[] dead = new boolean[n];
        for (int i = 0; i < n; i++) {
            next[i] = i + 1;
            prev[i] = i - 1;
        }
        LongHeap heap = new LongHeap(n);
        for (int i = 0; i + 1 < n; i++) push(heap, table, piece, id, next, i);
        int alive = n;
        while (!heap.isEmpty()) {
            long top = heap.pop();
            int pos = (int) top;
            if (dead[pos] || next[pos] >= n) continue;
            int right = next[pos];
            long cur = table.lookup(piece, pos, right, next[right], id[pos], id[right]);
            if (cur < 0 || (cur >>> 32) != (top >>> 32)) continue;
            id[pos] = (int) cur;
            dead[right] = true;
            next[pos] = next[right];
            if (next[pos] < n) prev[next[pos]] = pos;
            alive--;
            if (prev[pos] >= 0) push(heap, table, piece, id, next, prev[pos]);
            if (next[pos] < n) push(heap, table, piece, id, next, pos);
        }
        int[] out = new int[alive];
        for (int i = 0, k = 0; i < n; i = next[i]) out[k++] = id[i];
        return out;
    }

    private static void push(LongHeap heap, PairTable table, byte[] piece, int[] id, int[] next, int left) {
        int right = next[left];
        long r = table.lookup(piece, left, right, next[right], id[left], id[right]);
        if (r >= 0) heap.push((r >>> 32) << 32 | left);
    }

    /** Min-heap of longs; boxing a PriorityQueue&lt;Long&gt; doubled the merge time on long pieces. */
    private static final class LongHeap {
        private long[] a;
        private int size;

        LongHeap(int capacity) {
            a = new long[Math.max(4, capacity)];
        }

        boolean isEmpty() {
            return size == 0;
        }

        void push(long v) {
            if (size == a.length) a = Arrays.copyOf(a, size * 2);
            int i = size++;
            while (i > 0) {
                int p = (i - 1) >>> 1;
                if (a[p] <= v) break;
                a[i] = a[p];
                i = p;
            }
            a[i] = v;
        }

        long pop() {
            long top = a[0];
            long v = a[--size];
            int i = 0;
            while (true) {
                int c = 2 * i + 1;
                if (c >= size) break;
                if (c + 1 < size && a[c + 1] < a[c]) c++;
                if (a[c] >= v) break;
                a[i] = a[c];
                i = c;
            }
            a[i] = v;
            return top;
        }
    }
}
