package ai.emu4j.server;

import ai.emu4j.api.Cancellation;
import ai.emu4j.api.RandomModels;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bounded queue and cancellation, made deterministic by holding the compute thread with a latch: a full
 * queue answers 429 at once, and a client that goes away while its request waits has its job dropped.
 */
class QueueAndCancelTest {
    @TempDir
    static Path dir;
    static TestServer s;

    @BeforeAll
    static void start() throws Exception {
        s = TestServer.start(TestServer.config(TestServer.model(dir, RandomModels.Size.TINY)).withQueueCapacity(1));
    }

    @AfterAll
    static void stop() throws Exception {
        s.close();
    }

    /** Occupies the compute thread until the latch opens. */
    private static CountDownLatch holdCompute() throws InterruptedException {
        CountDownLatch release = new CountDownLatch(1), running = new CountDownLatch(1);
        s.server.queue().submit(() -> {
            running.countDown();
            release.await();
            return null;
        }, new Cancellation());
        running.await();
        return release;
    }

    private static long health(String field) throws Exception {
        return s.send(s.get("/health")).json().get("queue").get(field).asLong();
    }

    @Test
    void aFullQueueAnswers429AndTheWaitingRequestStillCompletes() throws Exception {
        CountDownLatch release = holdCompute();
        CompletableFuture<HttpResponse<String>> waiting = s.http.sendAsync(s.post("/v1/images/generations", "{\"prompt\":\"wait\",\"seed\":1}").build(),
                HttpResponse.BodyHandlers.ofString());
        while (s.server.queue().waiting() < 1) Thread.sleep(10);
        TestServer.Reply full = s.send(s.post("/v1/images/generations", "{\"prompt\":\"too many\"}"));
        assertEquals(429, full.status(), full.body());
        assertEquals("rate_limit_error", full.json().get("error").get("type").asText());
        assertEquals("queue_full", full.json().get("error").get("code").asText());
        assertTrue(full.headers().firstValue("retry-after").isPresent());
        assertEquals(200, s.send(s.get("/health")).status(), "/health answers while the model is busy");
        release.countDown();
        assertEquals(200, waiting.get().statusCode(), "the accepted request completes");
    }

    /** Sends a request on a raw socket, reads the first status line (200 of a stream, 102 of a waiting plain request), then closes the connection. */
    private static void sendAndHangUp(String body, String status) throws Exception {
        try (Socket sock = new Socket("127.0.0.1", s.server.port())) {
            OutputStream out = sock.getOutputStream();
            out.write(("POST /v1/images/generations HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: "
                    + body.length() + "\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII));
            out.flush();
            byte[] head = new byte[12];
            assertEquals(12, sock.getInputStream().readNBytes(head, 0, 12));
            assertEquals("HTTP/1.1 " + status, new String(head, StandardCharsets.US_ASCII));
        }
    }

    private void assertDroppedAfterHangUp(String body, String status) throws Exception {
        long cancelled = health("cancelled"), gone = health("disconnects");
        CountDownLatch release = holdCompute();
        sendAndHangUp(body, status);
        // The server notices the closed connection (Jetty's failure report, or the stream's keep-alive write)...
        try {
            waitFor("the server to notice the hang-up", () -> health("disconnects") > gone);
        } finally {
            release.countDown();
        }
        // ...and the job is dropped when its turn comes instead of running for nobody.
        waitFor("the job to be dropped", () -> health("cancelled") > cancelled);
        assertEquals(cancelled + 1, health("cancelled"));
    }

    interface Check {
        boolean ok() throws Exception;
    }

    /** Polls until the condition holds; a hang is a failure with a message, not a stuck build (the bound is generous, never a timing assertion). */
    private static void waitFor(String what, Check c) throws Exception {
        long end = System.nanoTime() + 60_000_000_000L;
        while (!c.ok()) {
            if (System.nanoTime() > end) throw new AssertionError("gave up waiting for " + what);
            Thread.sleep(50);
        }
    }

    @Test
    void bodiesBeingReceivedAreBoundedToo() throws Exception {
        java.util.List<Socket> slow = new java.util.ArrayList<>();
        try {
            // Senders that announce a body and never send it each hold one of the Emu4jServer.INTAKE permits.
            for (int i = 0; i < Emu4jServer.INTAKE; i++) {
                Socket sock = new Socket("127.0.0.1", s.server.port());
                sock.getOutputStream().write(("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                        + "Content-Length: 1000\r\n\r\n{").getBytes(StandardCharsets.US_ASCII));
                sock.getOutputStream().flush();
                slow.add(sock);
            }
            String body = "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":1}";
            // Probe only once the senders hold every permit: a probe that takes one first turns a late
            // sender away, and intake would never fill (seen on a loaded machine).
            waitFor("the slow senders to hold the intake", () -> health("intake_busy") == Emu4jServer.INTAKE);
            waitFor("intake to be full", () -> s.send(s.post("/v1/chat/completions", body)).status() == 503);
            TestServer.Reply busy = s.send(s.post("/v1/chat/completions", body));
            assertEquals("busy", busy.json().get("error").get("code").asText(), busy.body());
            assertTrue(busy.json().get("error").get("message").asText().contains("intake"));
            assertEquals(200, s.send(s.get("/health")).status(), "/health still answers");
        } finally {
            for (Socket sock : slow) sock.close();
        }
        String body = "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":1}";
        waitFor("intake to free up", () -> s.send(s.post("/v1/chat/completions", body)).status() == 200);
    }

    @Test
    void aStreamClosedWhileWaitingIsDropped() throws Exception {
        assertDroppedAfterHangUp("{\"prompt\":\"gone\",\"stream\":true}", "200");
    }

    @Test
    void aPlainRequestClosedWhileWaitingIsDropped() throws Exception {
        assertDroppedAfterHangUp("{\"prompt\":\"gone\"}", "102");
    }

    @Test
    void aPlainRequestThatWaitsStillGetsItsAnswerAfterInterimResponses() throws Exception {
        CountDownLatch release = holdCompute();
        CompletableFuture<HttpResponse<String>> waiting = s.http.sendAsync(s.post("/v1/images/generations", "{\"prompt\":\"patient\",\"seed\":3}").build(),
                HttpResponse.BodyHandlers.ofString());
        long probes = health("interim_responses");
        waitFor("an interim response to have been sent", () -> health("interim_responses") > probes);
        release.countDown();
        HttpResponse<String> r = waiting.get();
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.body().contains("b64_json"));
    }
}
