package ai.emu4j.server;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * How {@link Emu4jServer} runs. Safe by default: loopback only, Host and Origin checked, small queue.
 *
 * @param host          address to bind (127.0.0.1 unless told otherwise)
 * @param port          TCP port, 0 for any free one
 * @param apiKey        when not null, every route but /health needs {@code Authorization: Bearer KEY} (or HTTP Basic with KEY as password)
 * @param model         model folder; the model id is its name, never a path taken from a request
 * @param visionTokenizer vision tokenizer folder or null for model/vision_tokenizer
 * @param allowedHosts  extra Host names accepted besides localhost, 127.0.0.1, [::1] and the bound host; "*" accepts any
 * @param corsOrigins   origins (scheme://host:port) allowed to call the API from other pages; none by default
 * @param queueCapacity requests that may wait for the compute thread; more are answered 429
 * @param timeout       wall-clock limit of one request, queue wait included
 * @param limits        per-request caps
 */
public record ServerConfig(String host, int port, String apiKey, Path model, Path visionTokenizer, List<String> allowedHosts,
                           List<String> corsOrigins, int queueCapacity, Duration timeout, Limits limits) {
    public ServerConfig {
        if (host == null || host.isBlank()) host = "127.0.0.1";
        if (port < 0 || port > 65535) throw new IllegalArgumentException("port must be in 0..65535, got " + port);
        if (apiKey != null && apiKey.isBlank()) throw new IllegalArgumentException("API key must not be blank");
        allowedHosts = List.copyOf(allowedHosts == null ? List.of() : allowedHosts);
        corsOrigins = List.copyOf(corsOrigins == null ? List.of() : corsOrigins);
        if (queueCapacity < 0) throw new IllegalArgumentException("queue capacity must be >= 0, got " + queueCapacity);
        if (timeout == null) timeout = Duration.ofMinutes(10);
        if (limits == null) limits = Limits.DEFAULT;
    }

    public static ServerConfig defaults(Path model) {
        return new ServerConfig("127.0.0.1", 8080, null, model, null, List.of(), List.of(), 8, Duration.ofMinutes(10), Limits.DEFAULT);
    }

    public ServerConfig withPort(int p) {
        return new ServerConfig(host, p, apiKey, model, visionTokenizer, allowedHosts, corsOrigins, queueCapacity, timeout, limits);
    }

    public ServerConfig withApiKey(String k) {
        return new ServerConfig(host, port, k, model, visionTokenizer, allowedHosts, corsOrigins, queueCapacity, timeout, limits);
    }

    public ServerConfig withQueueCapacity(int q) {
        return new ServerConfig(host, port, apiKey, model, visionTokenizer, allowedHosts, corsOrigins, q, timeout, limits);
    }

    public ServerConfig withLimits(Limits l) {
        return new ServerConfig(host, port, apiKey, model, visionTokenizer, allowedHosts, corsOrigins, queueCapacity, timeout, l);
    }

    public ServerConfig withCorsOrigins(List<String> origins) {
        return new ServerConfig(host, port, apiKey, model, visionTokenizer, allowedHosts, origins, queueCapacity, timeout, limits);
    }
}
