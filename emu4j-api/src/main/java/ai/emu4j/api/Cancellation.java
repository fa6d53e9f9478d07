package ai.emu4j.api;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A handle that stops a generation between two tokens. Hand it to a call, call {@link #cancel()} from any
 * thread; the call then throws {@link java.util.concurrent.CancellationException}. One handle may be
 * shared by several calls (all stop); it cannot be reset.
 */
public final class Cancellation {
    private final AtomicBoolean flag = new AtomicBoolean();

    public void cancel() {
        flag.set(true);
    }

    public boolean isCancelled() {
        return flag.get();
    }

    /** The flag the engine polls. */
    AtomicBoolean flag() {
        return flag;
    }

    /** Throws CancellationException when cancelled; for work between engine calls. */
    public void check() {
        if (flag.get()) throw new java.util.concurrent.CancellationException("cancelled");
    }
}
