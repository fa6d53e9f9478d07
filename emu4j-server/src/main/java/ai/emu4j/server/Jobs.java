package ai.emu4j.server;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Waiting for a compute job on the request's virtual thread, with the request deadline and error mapping. */
final class Jobs {
    private Jobs() {}

    /** How often a waiting plain request checks that its client is still there. */
    static final long PROBE_NANOS = TimeUnit.SECONDS.toNanos(5);

    /**
     * The job's result; its failure as the ApiError a client should see. Cancels the job past the deadline.
     * <p>
     * Jetty does not read a connection while its request is being answered, so a client that hangs up would go
     * unnoticed. Every 5 s of waiting, an interim {@code 102 Processing} response is written (HTTP/1.1 clients
     * skip 1xx responses); once the client is gone such a write fails, and the job is cancelled.
     */
    static <T> T await(CompletableFuture<T> f, Exchange x, long deadlineNanos) throws Exception {
        while (true) {
            long left = deadlineNanos - System.nanoTime();
            try {
                return f.get(Math.max(1, Math.min(left, PROBE_NANOS)), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                if (left <= PROBE_NANOS) {
                    x.cancel.cancel();
                    throw ApiError.unavailable("timeout", "the request ran past the server's time limit and was stopped (server limit timeout)");
                }
                if (!probe(x)) {
                    x.gone();
                    throw new java.util.concurrent.CancellationException("client went away");
                }
            } catch (ExecutionException e) {
                throw toClient(e.getCause());
            }
        }
    }

    /** Writes a 102 interim response; false when the connection is gone. */
    private static boolean probe(Exchange x) {
        try {
            x.probes.incrementAndGet();
            x.response.writeInterim(102, org.eclipse.jetty.http.HttpFields.EMPTY).get(PROBE_NANOS, TimeUnit.NANOSECONDS);
            return true;
        } catch (ExecutionException | TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** A job failure as what the client is told: ApiError as is, bad arguments as 400, anything else rethrown (500). */
    static Exception toClient(Throwable t) {
        return switch (t) {
            case ApiError a -> a;
            case CancellationException c -> c;
            case IllegalArgumentException i -> i.getMessage() != null && i.getMessage().contains("context")
                    ? new ApiError(400, "invalid_request_error", null, "context_length_exceeded", i.getMessage())
                    : ApiError.invalid(null, i.getMessage());
            case Exception e -> e;
            default -> new RuntimeException(t);
        };
    }
}
