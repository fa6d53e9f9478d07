package ai.emu4j.server;

import ai.emu4j.api.Cancellation;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One compute thread and a bounded wait queue in front of it. The model's kernels already spread one
 * forward pass over every core (the engine's own ForkJoin pool), so running requests one at a time is the
 * fastest order; what is bounded is how many may wait. A full queue is refused at once (429) rather than
 * piling up; a job whose client went away is dropped before it starts.
 */
final class ComputeQueue implements AutoCloseable {
    private final ThreadPoolExecutor executor;
    private final int capacity;
    private final AtomicLong accepted = new AtomicLong(), rejected = new AtomicLong(), completed = new AtomicLong(),
            cancelled = new AtomicLong(), failed = new AtomicLong();

    ComputeQueue(int capacity) {
        this.capacity = capacity;
        // A SynchronousQueue when no waiting is allowed: only the running job is admitted.
        this.executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
                capacity == 0 ? new java.util.concurrent.SynchronousQueue<>() : new ArrayBlockingQueue<>(capacity),
                r -> {
                    Thread t = new Thread(r, "emu4j-compute");
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.AbortPolicy());
    }

    /** Queues the job; throws a 429 ApiError when the queue is full, 503 when shutting down. */
    <T> CompletableFuture<T> submit(Callable<T> job, Cancellation cancel) {
        CompletableFuture<T> f = new CompletableFuture<>();
        try {
            executor.execute(() -> {
                if (cancel.isCancelled()) {
                    cancelled.incrementAndGet();
                    f.completeExceptionally(new CancellationException("client went away before the job started"));
                    return;
                }
                try {
                    f.complete(job.call());
                    completed.incrementAndGet();
                } catch (CancellationException e) {
                    cancelled.incrementAndGet();
                    f.completeExceptionally(e);
                } catch (Throwable e) {
                    failed.incrementAndGet();
                    f.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            rejected.incrementAndGet();
            if (executor.isShutdown()) throw ApiError.unavailable("shutting_down", "server is shutting down");
            throw new ApiError(429, "rate_limit_error", null, "queue_full",
                    "the server is busy: " + capacity + " requests already wait for the model (server limit queue); retry later");
        }
        accepted.incrementAndGet();
        return f;
    }

    int waiting() {
        return executor.getQueue().size();
    }

    int running() {
        return executor.getActiveCount();
    }

    int capacity() {
        return capacity;
    }

    java.util.Map<String, Object> stats() {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("running", running());
        m.put("waiting", waiting());
        m.put("capacity", capacity);
        m.put("accepted", accepted.get());
        m.put("rejected", rejected.get());
        m.put("completed", completed.get());
        m.put("cancelled", cancelled.get());
        m.put("failed", failed.get());
        return m;
    }

    long cancelledCount() {
        return cancelled.get();
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
