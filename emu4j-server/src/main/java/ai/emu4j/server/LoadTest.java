package ai.emu4j.server;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A load test client for a running server (run it as a second process: {@code emu4j bench serve}): a fixed
 * number of clients send requests back to back for a fixed time, while another thread polls /health. Reports
 * throughput, latency percentiles of accepted requests, rejections (429/503), other errors, and the server's
 * heap as /health reports it.
 */
public final class LoadTest {
    public record Options(String url, String apiKey, int clients, Duration duration, String kind, Duration requestTimeout) {}

    public record Result(long ok, long rejected429, long rejected503, long other4xx, long other5xx, long ioErrors, double seconds,
                         List<Long> latenciesMs, long healthSamples, long healthFailures, long maxHeapUsed, long heapMax, String serverQueue) {
        public double throughput() {
            return ok / seconds;
        }

        public long percentile(double p) {
            if (latenciesMs.isEmpty()) return -1;
            List<Long> sorted = new ArrayList<>(latenciesMs);
            Collections.sort(sorted);
            return sorted.get((int) Math.min(sorted.size() - 1, Math.ceil(p / 100 * sorted.size()) - 1));
        }
    }

    private LoadTest() {}

    static String body(String kind, long i) {
        return switch (kind) {
            case "image" -> "{\"prompt\":\"a red circle " + i % 7 + "\",\"seed\":" + i + ",\"response_format\":\"b64_json\"}";
            case "stream" -> "{\"prompt\":\"a blue square " + i % 7 + "\",\"seed\":" + i + ",\"stream\":true}";
            case "chat" -> "{\"max_tokens\":16,\"messages\":[{\"role\":\"user\",\"content\":\"Describe a blue square " + i % 7 + "\"}]}";
            default -> throw new IllegalArgumentException("kind must be image, stream or chat, got " + kind);
        };
    }

    public static Result run(Options o, PrintWriter log) throws InterruptedException {
        String path = o.kind().equals("chat") ? "/v1/chat/completions" : "/v1/images/generations";
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        AtomicLong ok = new AtomicLong(), r429 = new AtomicLong(), r503 = new AtomicLong(), c4xx = new AtomicLong(), c5xx = new AtomicLong(),
                io = new AtomicLong(), seq = new AtomicLong(), hs = new AtomicLong(), hf = new AtomicLong(), heap = new AtomicLong(), heapMax = new AtomicLong();
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        ConcurrentHashMap<String, AtomicLong> otherMessages = new ConcurrentHashMap<>();
        long start = System.nanoTime(), end = start + o.duration().toNanos();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < o.clients(); c++) {
            threads.add(Thread.ofVirtual().start(() -> {
                while (System.nanoTime() < end) {
                    long i = seq.incrementAndGet();
                    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(o.url() + path)).timeout(o.requestTimeout())
                            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body(o.kind(), i)));
                    if (o.apiKey() != null) b.header("Authorization", "Bearer " + o.apiKey());
                    long t0 = System.nanoTime();
                    try {
                        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
                        long ms = (System.nanoTime() - t0) / 1_000_000;
                        switch (r.statusCode()) {
                            case 200 -> {
                                if (o.kind().equals("stream") && !r.body().endsWith("data: [DONE]\n\n")) {
                                    c5xx.incrementAndGet();   // a stream that did not finish counts as a server failure
                                    otherMessages.computeIfAbsent("200 stream without [DONE]", k -> new AtomicLong()).incrementAndGet();
                                } else {
                                    ok.incrementAndGet();
                                    latencies.add(ms);
                                }
                            }
                            case 429 -> {
                                r429.incrementAndGet();
                                Thread.sleep(200);   // a polite client backs off (the server sends Retry-After)
                            }
                            case 503 -> {
                                r503.incrementAndGet();
                                Thread.sleep(200);
                            }
                            default -> {
                                (r.statusCode() >= 500 ? c5xx : c4xx).incrementAndGet();
                                otherMessages.computeIfAbsent(r.statusCode() + " " + r.body().substring(0, Math.min(120, r.body().length())), k -> new AtomicLong()).incrementAndGet();
                            }
                        }
                    } catch (java.io.IOException e) {
                        io.incrementAndGet();
                        otherMessages.computeIfAbsent("I/O " + e.getClass().getSimpleName() + ": " + e.getMessage(), k -> new AtomicLong()).incrementAndGet();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }));
        }
        Thread health = Thread.ofVirtual().start(() -> {
            while (System.nanoTime() < end) {
                try {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(o.url() + "/health")).timeout(Duration.ofSeconds(2)).GET().build(),
                            HttpResponse.BodyHandlers.ofString());
                    hs.incrementAndGet();
                    if (r.statusCode() != 200) {
                        hf.incrementAndGet();
                    } else {
                        JsonNode j = JsonFields.MAPPER.readTree(r.body());
                        heap.accumulateAndGet(j.get("heap_used_bytes").asLong(), Math::max);
                        heapMax.set(j.get("heap_max_bytes").asLong());
                    }
                    Thread.sleep(500);
                } catch (java.io.IOException e) {
                    hs.incrementAndGet();
                    hf.incrementAndGet();
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        for (Thread t : threads) t.join();
        health.join();
        double seconds = (System.nanoTime() - start) / 1e9;
        String queue = "unavailable";
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(o.url() + "/health")).timeout(Duration.ofSeconds(5)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode q = JsonFields.MAPPER.readTree(r.body()).get("queue");
            if (q != null) queue = q.toString();
        } catch (java.io.IOException e) {
            queue = "unreachable: " + e.getMessage();
        }
        otherMessages.forEach((k, v) -> log.println("  " + v.get() + " x " + k));
        return new Result(ok.get(), r429.get(), r503.get(), c4xx.get(), c5xx.get(), io.get(), seconds, List.copyOf(latencies), hs.get(), hf.get(), heap.get(), heapMax.get(), queue);
    }

    public static String report(Options o, Result r) {
        return String.format(Locale.ROOT, """
                load test: %d clients, %s requests, %.1f s against %s
                accepted and completed: %d (%.2f req/s)
                latency of completed requests: p50 %d ms, p99 %d ms, max %d ms
                rejected: %d x 429 (queue full), %d x 503
                other errors: %d x 4xx, %d x 5xx, %d I/O
                /health: %d samples, %d failed; server heap used at most %.1f MiB of %.0f MiB
                server queue counters after the run: %s
                """, o.clients(), o.kind(), r.seconds(), o.url(), r.ok(), r.throughput(), r.percentile(50), r.percentile(99), r.percentile(100),
                r.rejected429(), r.rejected503(), r.other4xx(), r.other5xx(), r.ioErrors(), r.healthSamples(), r.healthFailures(),
                r.maxHeapUsed() / 1048576.0, r.heapMax() / 1048576.0, r.serverQueue());
    }
}
