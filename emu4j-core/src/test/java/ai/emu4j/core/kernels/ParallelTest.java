package ai.emu4j.core.kernels;

import static org.junit.jupiter.api.Assertions.*;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ParallelTest {
    @Test
    void everyIndexRunsExactlyOnce() {
        for (int n : new int[] {1, 2, 3, 7, 64, 1001}) {
            for (int minChunk : new int[] {1, 5, 1000}) {
                AtomicIntegerArray hits = new AtomicIntegerArray(n);
                Parallel.forRange(n, minChunk, (s, e) -> {
                    for (int i = s; i < e; i++) hits.incrementAndGet(i);
                });
                for (int i = 0; i < n; i++) assertEquals(1, hits.get(i), "n=" + n + " minChunk=" + minChunk + " index " + i);
            }
        }
    }

    @Test
    void aPoolChunksFailureReachesTheCaller() {
        int n = 100 * Parallel.threads();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Parallel.forRange(n, 1, (s, end) -> {
            if (end == n) throw new IllegalStateException("last chunk failed");
        }));
        // ForkJoinTask rethrows a pool thread's exception as a copy of its type, the original as cause.
        Throwable original = e.getCause() != null ? e.getCause() : e;
        assertEquals("last chunk failed", original.getMessage());
    }

    @Test
    void whenTheCallersChunkFailsTheOthersHaveFinishedBeforeItReturns() {
        int n = 100 * Parallel.threads();
        ConcurrentLinkedQueue<Integer> finished = new ConcurrentLinkedQueue<>();
        AtomicBoolean othersRunning = new AtomicBoolean();
        assertThrows(IllegalStateException.class, () -> Parallel.forRange(n, 1, (s, e) -> {
            if (s == 0) throw new IllegalStateException("first chunk failed");
            othersRunning.set(true);
            try {
                Thread.sleep(50);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
            finished.add(s);
        }));
        // Every chunk but the first had finished by the time the failure was thrown.
        assertEquals(Parallel.threads() - 1, finished.size());
        assertEquals(Parallel.threads() > 1, othersRunning.get());
    }

    @Test
    void aVirtualThreadCallerNeverComputesOnItsCarrier() throws Exception {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicIntegerArray hits = new AtomicIntegerArray(1000);
        ConcurrentLinkedQueue<Boolean> virtual = new ConcurrentLinkedQueue<>();
        Thread t = Thread.ofVirtual().start(() -> {
            try {
                Parallel.forRange(1000, 1, (s, e) -> {
                    virtual.add(Thread.currentThread().isVirtual());
                    for (int i = s; i < e; i++) hits.incrementAndGet(i);
                });
            } catch (Throwable x) {
                failure.set(x);
            }
        });
        t.join();
        assertNull(failure.get());
        for (int i = 0; i < 1000; i++) assertEquals(1, hits.get(i));
        if (Parallel.threads() > 1) assertFalse(virtual.contains(true), "a chunk ran on the virtual thread");
    }

    @Test
    void nestedCallsRunInlineInTheChunkThatMadeThem() {
        ConcurrentLinkedQueue<Boolean> sameThread = new ConcurrentLinkedQueue<>();
        AtomicIntegerArray hits = new AtomicIntegerArray(400);
        Parallel.forRange(4, 1, (s, e) -> {
            Thread outer = Thread.currentThread();
            for (int c = s; c < e; c++) {
                int base = c * 100;
                Parallel.forRange(100, 1, (is, ie) -> {
                    sameThread.add(Thread.currentThread() == outer);
                    for (int i = is; i < ie; i++) hits.incrementAndGet(base + i);
                });
            }
        });
        for (int i = 0; i < 400; i++) assertEquals(1, hits.get(i));
        assertFalse(sameThread.contains(false), "a nested call left its chunk's thread");
    }
}
