package ai.emu4j.server;

import ai.emu4j.api.Cancellation;
import com.fasterxml.jackson.core.JsonProcessingException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * One request and its response on a virtual thread: the body read under a byte cap, JSON or bytes written in
 * one go, or a server-sent-event stream. {@link #cancel} turns on when the client goes away (Jetty reports the
 * failure, or a write fails), which stops the generation serving it.
 */
final class Exchange {
    final Request request;
    final Response response;
    final Cancellation cancel = new Cancellation();
    final String method;
    final String path;
    private boolean committed;
    /** The body was read to its end (or there is none): the connection can carry the next request. */
    private boolean drained;
    /** {@link #body} or {@link #discardBody} has run: the body is not read a second time. */
    private boolean touched;

    private final java.util.concurrent.atomic.AtomicLong disconnects;
    final java.util.concurrent.atomic.AtomicLong probes;

    Exchange(Request request, Response response, java.util.concurrent.atomic.AtomicLong disconnects, java.util.concurrent.atomic.AtomicLong probes) {
        this.probes = probes;
        this.request = request;
        this.response = response;
        this.method = request.getMethod();
        this.path = request.getHttpURI().getDecodedPath();
        this.disconnects = disconnects;
        request.addFailureListener(failure -> gone());
    }

    /** The client went away: stop the work serving it. Counted once. */
    void gone() {
        if (!cancel.isCancelled()) disconnects.incrementAndGet();
        cancel.cancel();
    }

    String header(HttpHeader h) {
        return request.getHeaders().get(h);
    }

    /**
     * The body, refused with 413 when Content-Length or the bytes actually sent exceed max. A body up to four times
     * the cap is read to its end and discarded first, so that the client, still sending, reads the 413 instead of
     * a reset connection; a larger one is refused at once and its connection closed.
     */
    byte[] body(long max) throws IOException {
        touched = true;
        long declared = request.getLength();
        long drainable = 4 * max;
        try (InputStream in = Content.Source.asInputStream(request)) {
            if (declared > max) {
                if (declared <= drainable) {
                    in.skipNBytes(declared);
                    drained = true;
                }
                throw ApiError.limit(413, null, "max_body_bytes", "request body of " + declared + " bytes is over " + max + " bytes");
            }
            byte[] data = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
            if (data.length > max) {
                long skipped = data.length;
                while (skipped < drainable && in.read() >= 0) skipped++;
                drained = skipped < drainable;
                throw ApiError.limit(413, null, "max_body_bytes", "request body is over " + max + " bytes");
            }
            drained = true;
            return data;
        } catch (java.io.EOFException e) {
            throw ApiError.invalid(null, "request body ended before its Content-Length");
        }
    }

    /**
     * Reads and drops a body no handler has read, up to four times max (as {@link #body} drains an oversized
     * one), so that a request refused early (no key, wrong route, busy) leaves its connection clean: closing it
     * with bytes unread would reset it under a client still sending, which then never sees the answer.
     */
    void discardBody(long max) {
        if (touched || request.getLength() == 0) return;
        touched = true;
        long declared = request.getLength(), left = 4 * max;
        if (declared > left) return;
        byte[] sink = new byte[8192];
        try (InputStream in = Content.Source.asInputStream(request)) {
            while (left > 0) {
                int n = in.read(sink, 0, (int) Math.min(sink.length, left));
                if (n < 0) {
                    drained = true;
                    return;
                }
                left -= n;
            }
        } catch (IOException | RuntimeException e) {
            // The client is gone or sent a broken body: the connection is closed either way.
        }
    }

    /**
     * Whether part of the request body may still be in flight. Jetty closes such a connection after the response;
     * without a Connection: close header the client would pool it and lose its next request on the closed socket.
     */
    boolean bodyUnread() {
        return !drained && request.getLength() != 0;
    }

    void json(int status, Object value) throws IOException {
        byte[] body;
        try {
            body = JsonFields.MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IOException("JSON encoding failed", e);
        }
        bytes(status, "application/json", body);
    }

    void bytes(int status, String contentType, byte[] body) throws IOException {
        committed = true;
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        try (OutputStream out = Content.Sink.asOutputStream(response)) {
            out.write(body);
        }
    }

    boolean committed() {
        return committed || response.isCommitted();
    }

    /** Starts a text/event-stream response; every write flushes. */
    Sse sse() {
        committed = true;
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/event-stream; charset=utf-8");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
        response.getHeaders().put("X-Accel-Buffering", "no");
        return new Sse(Content.Sink.asOutputStream(response), this::gone);
    }

    /** Server-sent events; a failed write (client gone) cancels the work and throws. */
    static final class Sse implements AutoCloseable {
        private final OutputStream out;
        private final Runnable gone;

        Sse(OutputStream out, Runnable gone) {
            this.out = out;
            this.gone = gone;
        }

        void event(String name, Object json) throws IOException {
            write((name == null ? "" : "event: " + name + "\n") + "data: " + JsonFields.MAPPER.writeValueAsString(json) + "\n\n");
        }

        void done() throws IOException {
            write("data: [DONE]\n\n");
        }

        void comment(String text) throws IOException {
            write(": " + text + "\n\n");
        }

        private void write(String s) throws IOException {
            try {
                out.write(s.getBytes(StandardCharsets.UTF_8));
                out.flush();
            } catch (IOException | RuntimeException e) {
                gone.run();
                throw e instanceof IOException io ? io : new IOException(e);
            }
        }

        @Override
        public void close() {
            try {
                out.close();
            } catch (IOException | RuntimeException e) {
                gone.run();
            }
        }
    }
}
