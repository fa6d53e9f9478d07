package ai.emu4j.server;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Waiting for a compute job on the request's virtual thread, with the request deadline and error mapping. */
final class Jobs {
    private Jobs() {}

    /** The job's result; its failure as the ApiError a client should see. Cancels the job past the deadline. */
    static <T> T await(CompletableFuture<T> f, Exchange x, long deadlineNanos) throws Exception {
        try {
            return f.get(Math.max(1, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            x.cancel.cancel();
            throw ApiError.unavailable("timeout", "the request ran past the server's time limit and was stopped (server limit timeout)");
        } catch (ExecutionException e) {
            throw toClient(e.getCause());
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
