package ai.emu4j.core.kernels;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.RecursiveAction;

/**
 * The compute pool: one ForkJoinPool sized to the cores (override with -Demu4j.threads=N), separate
 * from the common pool so that request threads and I/O never steal kernel time. Work is split into
 * contiguous chunks, one task per chunk, so each thread streams through its own rows.
 */
public final class Parallel {
    private static final int THREADS = Math.max(1, Integer.getInteger("emu4j.threads", Runtime.getRuntime().availableProcessors()));
    private static final ForkJoinPool POOL = new ForkJoinPool(THREADS, pool -> {
        var t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
        t.setName("emu4j-compute-" + t.getPoolIndex());
        t.setDaemon(true);
        return t;
    }, null, false);

    /** Bound while a caller runs its own chunk, so kernels it calls run inline as they do on pool threads. */
    private static final ScopedValue<Boolean> IN_CHUNK = ScopedValue.newInstance();

    private Parallel() {}

    public static int threads() {
        return THREADS;
    }

    /** Body over a half-open range [start, end). */
    @FunctionalInterface
    public interface RangeBody {
        void run(int start, int end);
    }

    /**
     * Runs body over [0, n) split into at most threads() chunks of at least minChunk items each.
     * Runs inline when the work is too small to split or when already inside a chunk (on a compute thread
     * or in a caller's own chunk).
     *
     * <p>A platform-thread caller (the CLI's main thread, the server's single compute thread) runs the
     * first chunk itself while the pool runs the rest, as OpenBLAS's caller does: handing every chunk to
     * the pool and parking costs one more worker wake-up per call, which measured 3-10% of a 1 ms
     * 46 MB matvec. At most threads() chunks exist, so one caller never has more than threads() threads
     * computing. A virtual-thread caller hands all chunks to the pool, so compute never pins a carrier.
     */
    public static void forRange(int n, int minChunk, RangeBody body) {
        if (n <= 0) return;
        int chunks = Math.min(THREADS, Math.max(1, n / Math.max(1, minChunk)));
        Thread caller = Thread.currentThread();
        if (chunks == 1 || IN_CHUNK.isBound() || caller instanceof ForkJoinWorkerThread w && w.getPool() == POOL) {
            body.run(0, n);
            return;
        }
        if (caller.isVirtual()) {
            POOL.invoke(new Split(body, n, chunks, 0, chunks));
            return;
        }
        ForkJoinTask<Void> rest = POOL.submit(new Split(body, n, chunks, 1, chunks));
        try {
            // Nested calls from this chunk run inline: handing them to the pool would queue them behind
            // the pool's own chunks while this thread waits (measured: prefill at half speed).
            ScopedValue.where(IN_CHUNK, Boolean.TRUE).run(() -> body.run(0, (int) ((long) n / chunks)));
        } finally {
            // The pool's chunks may still write the caller's buffers: wait for them even when ours threw.
            rest.quietlyJoin();
        }
        rest.join();
    }

    private static final class Split extends RecursiveAction {
        private final RangeBody body;
        private final int n, chunks, lo, hi;

        Split(RangeBody body, int n, int chunks, int lo, int hi) {
            this.body = body;
            this.n = n;
            this.chunks = chunks;
            this.lo = lo;
            this.hi = hi;
        }

        @Override
        protected void compute() {
            if (hi - lo == 1) {
                int start = (int) ((long) n * lo / chunks);
                int end = (int) ((long) n * (lo + 1) / chunks);
                body.run(start, end);
                return;
            }
            int mid = (lo + hi) >>> 1;
            invokeAll(new Split(body, n, chunks, lo, mid), new Split(body, n, chunks, mid, hi));
        }
    }
}
