package ai.emu4j.server;

import ai.emu4j.api.Emu3Model;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The emu4j server: Jetty 12 with a virtual thread per request, a single compute thread behind a bounded
 * queue, the model loaded in the background (/health answers 503 until it is ready).
 * <p>
 * Every request passes, in order: the Host check (DNS rebinding), the Origin check (other sites' pages), the
 * API key (all routes but /health), then a fixed route table; static files come from a fixed map of class-path
 * resources, so no request value is ever used as a file path.
 */
public final class Emu4jServer implements AutoCloseable {
    static final Logger LOG = Logger.getLogger("ai.emu4j.server");
    private static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.1", "::1");
    private static final Map<String, String[]> STATIC = Map.of(
            "/", new String[] {"index.html", "text/html; charset=utf-8"},
            "/index.html", new String[] {"index.html", "text/html; charset=utf-8"},
            "/app.js", new String[] {"app.js", "text/javascript; charset=utf-8"},
            "/style.css", new String[] {"style.css", "text/css; charset=utf-8"});

    // Jetty's start/stop lines at INFO would drown the server's own; warnings still show. Held so the setting sticks.
    private static final Logger JETTY_LOG = Logger.getLogger("org.eclipse.jetty");

    static {
        JETTY_LOG.setLevel(Level.WARNING);
    }

    private final ServerConfig config;
    private final Server jetty;
    private final ServerConnector connector;
    private final ComputeQueue queue;
    private final Set<String> allowedHosts;
    private final boolean anyHost;
    private final byte[] keyDigest;
    private final long startedAt = System.currentTimeMillis();
    private final java.util.concurrent.atomic.AtomicLong disconnects = new java.util.concurrent.atomic.AtomicLong(),
            probes = new java.util.concurrent.atomic.AtomicLong();
    private volatile Emu3Model model;
    private volatile String loadFailure;
    private Thread loader;

    public Emu4jServer(ServerConfig config) {
        this.config = config;
        this.queue = new ComputeQueue(config.queueCapacity());
        List<String> hosts = new ArrayList<>(LOOPBACK);
        String bound = config.host().toLowerCase(Locale.ROOT);
        if (!bound.equals("0.0.0.0") && !bound.equals("::")) hosts.add(stripBrackets(bound));
        for (String h : config.allowedHosts()) hosts.add(stripBrackets(h.toLowerCase(Locale.ROOT)));
        this.anyHost = hosts.contains("*");
        this.allowedHosts = Set.copyOf(hosts);
        this.keyDigest = config.apiKey() == null ? null : sha256(config.apiKey());
        QueuedThreadPool pool = new QueuedThreadPool(64, 4);
        pool.setName("emu4j-http");
        // Blocking handlers run on virtual threads; Jetty's own selector and acceptor threads stay platform threads.
        pool.setVirtualThreadsExecutor(Executors.newVirtualThreadPerTaskExecutor());
        jetty = new Server(pool);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendDateHeader(true);
        http.setRequestHeaderSize(16 * 1024);
        connector = new ServerConnector(jetty, new HttpConnectionFactory(http));
        connector.setHost(config.host());
        connector.setPort(config.port());
        // A connection silent for 30 s is closed: slow senders cannot hold a body-reading permit for long, and
        // every legitimate wait writes at least every 5 s (SSE keep-alives, 102 probes).
        connector.setIdleTimeout(30_000);
        jetty.addConnector(connector);
        jetty.setHandler(new Router());
        jetty.setErrorHandler(new JsonErrors());
        jetty.setStopTimeout(2000);
    }

    /** Binds the port and starts loading the model in the background. */
    public Emu4jServer start() throws Exception {
        return start(() -> Emu3Model.load(config.model(), config.visionTokenizer()));
    }

    /** Binds the port, then runs the loader on a background thread; until it returns, model routes answer 503. */
    Emu4jServer start(java.util.concurrent.Callable<Emu3Model> load) throws Exception {
        jetty.start();
        loader = Thread.ofPlatform().name("emu4j-model-loader").daemon(true).start(() -> {
            try {
                model = load.call();
                LOG.info(() -> "model " + model.name() + " loaded");
            } catch (Exception e) {
                loadFailure = e.getMessage();
                LOG.log(Level.SEVERE, "model failed to load from " + config.model(), e);
            }
        });
        return this;
    }

    /** Uses an already loaded model instead of config.model(); closing the server closes it. */
    public Emu4jServer start(Emu3Model loaded) throws Exception {
        model = loaded;
        jetty.start();
        return this;
    }

    /** Waits until the model is loaded (or failed); true when it is ready. */
    public boolean awaitModel() throws InterruptedException {
        if (loader != null) loader.join();
        return model != null;
    }

    public int port() {
        return connector.getLocalPort();
    }

    public void join() throws InterruptedException {
        jetty.join();
    }

    @Override
    public void close() {
        queue.close();
        try {
            jetty.stop();
        } catch (Exception e) {
            LOG.log(Level.WARNING, "stopping the HTTP server failed", e);
        }
        Emu3Model m = model;
        if (m != null) m.close();
    }

    ServerConfig config() {
        return config;
    }

    ComputeQueue queue() {
        return queue;
    }

    /** The model, or 503 while it loads. */
    Emu3Model model() {
        Emu3Model m = model;
        if (m != null) return m;
        if (loadFailure != null) throw ApiError.unavailable("model_load_failed", "the model failed to load; see the server log");
        throw ApiError.unavailable("loading", "Loading model");
    }

    /** 404 model_not_found unless the name is absent or the served model's id. */
    void checkModelName(String requested) {
        if (requested == null || requested.isEmpty() || requested.equals(model().name()) || requested.equals("emu4j")) return;
        String shown = requested.length() > 64 ? requested.substring(0, 64) + "..." : requested;
        throw new ApiError(404, "invalid_request_error", "model", "model_not_found",
                "The model '" + shown.replaceAll("[^\\x20-\\x7e]", "?") + "' does not exist; this server serves '" + model().name() + "'");
    }

    private final class Router extends Handler.Abstract {
        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            Exchange x = new Exchange(request, response, disconnects, probes);
            try {
                route(x);
                callback.succeeded();
            } catch (ApiError e) {
                fail(x, e, callback);
            } catch (Throwable t) {
                if (x.cancel.isCancelled()) {
                    callback.failed(t);   // the client is gone; nothing to answer
                    return true;
                }
                LOG.log(Level.SEVERE, x.method + " " + x.path + " failed", t);
                fail(x, new ApiError(500, "server_error", null, "internal_error", "internal server error"), callback);
            }
            return true;
        }

        private void fail(Exchange x, ApiError e, Callback callback) {
            if (x.committed()) {
                callback.failed(e);
                return;
            }
            try {
                if (e.status() == 401) {
                    x.response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, x.path.startsWith("/v1/") ? "Bearer" : "Basic realm=\"emu4j\", charset=\"UTF-8\"");
                }
                if (e.status() == 429 || e.status() == 503) x.response.getHeaders().put(HttpHeader.RETRY_AFTER, "2");
                x.discardBody(config.limits().maxBodyBytes());
                if (x.bodyUnread()) x.response.getHeaders().put(HttpHeader.CONNECTION, "close");
                x.json(e.status(), errorBody(e));
                callback.succeeded();
            } catch (IOException | RuntimeException io) {
                callback.failed(io);
            }
        }
    }

    /** Errors Jetty answers itself (bad URIs, oversized headers) in the same OpenAI envelope, without stack traces. */
    private static final class JsonErrors extends org.eclipse.jetty.server.handler.ErrorHandler {
        @Override
        protected void generateResponse(Request request, Response response, int code, String message, Throwable cause, Callback callback) throws IOException {
            String type = code == 404 ? "not_found_error" : code >= 500 ? "server_error" : "invalid_request_error";
            ApiError e = new ApiError(code, type, null, "http_" + code, message == null ? "HTTP " + code : message);
            byte[] body = JsonFields.MAPPER.writeValueAsBytes(errorBody(e));
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
            response.write(true, java.nio.ByteBuffer.wrap(body), callback);
        }
    }

    static Map<String, Object> errorBody(ApiError e) {
        Map<String, Object> err = new LinkedHashMap<>();
        err.put("message", e.getMessage());
        err.put("type", e.type());
        err.put("param", e.param());
        err.put("code", e.code());
        return Map.of("error", err);
    }

    private void route(Exchange x) throws Exception {
        checkHost(x);
        String origin = x.header(HttpHeader.ORIGIN);
        if (origin != null) {
            boolean cross = checkOrigin(origin);
            if (cross) {
                x.response.getHeaders().put(HttpHeader.ACCESS_CONTROL_ALLOW_ORIGIN, origin);
                x.response.getHeaders().put(HttpHeader.VARY, "Origin");
            }
        }
        if (x.method.equals("OPTIONS")) {
            x.response.getHeaders().put(HttpHeader.ACCESS_CONTROL_ALLOW_METHODS, "GET, POST, OPTIONS");
            x.response.getHeaders().put(HttpHeader.ACCESS_CONTROL_ALLOW_HEADERS, "Authorization, Content-Type");
            x.response.getHeaders().put(HttpHeader.ACCESS_CONTROL_MAX_AGE, "600");
            x.bytes(204, "text/plain", new byte[0]);
            return;
        }
        if (x.path.equals("/health")) {
            method(x, "GET");
            health(x);
            return;
        }
        checkKey(x);
        String[] file = STATIC.get(x.path);
        if (file != null) {
            method(x, "GET");
            staticFile(x, file[0], file[1]);
            return;
        }
        switch (x.path) {
            case "/v1/models" -> {
                method(x, "GET");
                models(x);
            }
            case "/v1/images/generations" -> {
                method(x, "POST");
                ImagesApi api = new ImagesApi(this);
                Emu3Model m = model();
                ImagesApi.Parsed p;
                try (Intake ignored = intake()) {
                    p = api.parse(jsonBody(x), m);
                }
                api.run(x, m, p);
            }
            case "/v1/chat/completions" -> {
                method(x, "POST");
                ChatApi api = new ChatApi(this);
                Emu3Model m = model();
                ChatApi.Parsed p;
                try (Intake ignored = intake()) {
                    p = api.parse(jsonBody(x));
                }
                api.run(x, m, p);
            }
            case "/v1/emu4j/tokenize" -> {
                method(x, "POST");
                ChatApi api = new ChatApi(this);
                Emu3Model m = model();
                ChatApi.TokenizeRequest p;
                try (Intake ignored = intake()) {
                    p = api.parseTokenize(jsonBody(x), m);
                }
                api.tokenize(x, m, p);
            }
            default -> throw ApiError.notFound("no route " + x.method + " " + printable(x.path));
        }
    }

    /** A permit to read and parse one request body; released before the request waits for the model. */
    interface Intake extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Bodies being read, parsed and decoded at once are bounded too (the queue bounds only admitted work): a
     * request beyond {@link #INTAKE} concurrent ones is answered 503 at once, so memory is at most about
     * (INTAKE + queue + 1) requests' worth of body and images.
     */
    static final int INTAKE = 4;
    private final java.util.concurrent.Semaphore intake = new java.util.concurrent.Semaphore(INTAKE);

    private Intake intake() {
        if (!intake.tryAcquire()) {
            throw new ApiError(503, "unavailable_error", null, "busy",
                    "the server is receiving " + INTAKE + " other requests right now (server limit intake); retry later");
        }
        java.util.concurrent.atomic.AtomicBoolean open = new java.util.concurrent.atomic.AtomicBoolean(true);
        return () -> {
            if (open.compareAndSet(true, false)) intake.release();
        };
    }

    private static String printable(String s) {
        String t = s.length() > 80 ? s.substring(0, 80) + "..." : s;
        return t.replaceAll("[^\\x20-\\x7e]", "?");
    }

    private static void method(Exchange x, String allowed) {
        if (!x.method.equals(allowed)) {
            x.response.getHeaders().put(HttpHeader.ALLOW, allowed);
            throw new ApiError(405, "invalid_request_error", null, "method_not_allowed", x.method + " is not allowed on " + printable(x.path) + "; use " + allowed);
        }
    }

    private com.fasterxml.jackson.databind.node.ObjectNode jsonBody(Exchange x) throws IOException {
        String type = x.header(HttpHeader.CONTENT_TYPE);
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            throw new ApiError(415, "invalid_request_error", null, "unsupported_media_type", "Content-Type must be application/json");
        }
        return JsonFields.parseObject(x.body(config.limits().maxBodyBytes()));
    }

    /** DNS rebinding: a page on evil.example resolving to 127.0.0.1 still sends Host: evil.example. */
    private void checkHost(Exchange x) {
        if (anyHost) return;
        String host = x.header(HttpHeader.HOST);
        if (host == null) return;
        String name = hostName(host);
        if (name == null || !allowedHosts.contains(name)) {
            throw new ApiError(403, "permission_error", null, "host_not_allowed",
                    "Host '" + printable(host) + "' is not allowed (DNS rebinding protection); start the server with --allow-host NAME to accept it");
        }
    }

    /** True when a cross-origin caller is allowed (CORS allow-list); same-origin passes with false; anything else is 403. */
    private boolean checkOrigin(String origin) {
        if (config.corsOrigins().contains(origin)) return true;
        try {
            URI u = URI.create(origin);
            String host = u.getHost() == null ? null : stripBrackets(u.getHost().toLowerCase(Locale.ROOT));
            int port = u.getPort() == -1 ? ("https".equals(u.getScheme()) ? 443 : 80) : u.getPort();
            if (("http".equals(u.getScheme()) || "https".equals(u.getScheme())) && host != null && (anyHost || allowedHosts.contains(host)) && port == port()) {
                return false;
            }
        } catch (IllegalArgumentException e) {
            // falls through to the refusal
        }
        throw new ApiError(403, "permission_error", null, "origin_not_allowed",
                "Origin '" + printable(origin) + "' is not allowed; start the server with --cors-origin ORIGIN to let that site call the API");
    }

    static String hostName(String hostHeader) {
        String h = hostHeader.strip().toLowerCase(Locale.ROOT);
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            return end < 0 ? null : h.substring(1, end);
        }
        int colon = h.indexOf(':');
        return colon < 0 ? h : h.substring(0, colon);
    }

    private static String stripBrackets(String h) {
        return h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
    }

    private void checkKey(Exchange x) {
        if (keyDigest == null) return;
        String auth = x.header(HttpHeader.AUTHORIZATION);
        String given = null;
        if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            given = auth.substring(7).strip();
        } else if (auth != null && auth.regionMatches(true, 0, "Basic ", 0, 6)) {
            try {
                String pair = new String(Base64.getDecoder().decode(auth.substring(6).strip()), StandardCharsets.UTF_8);
                given = pair.substring(pair.indexOf(':') + 1);
            } catch (IllegalArgumentException e) {
                given = null;
            }
        }
        // Digests have equal length, so the comparison time does not depend on the key's length or content.
        if (given == null || !MessageDigest.isEqual(sha256(given), keyDigest)) {
            throw new ApiError(401, "authentication_error", null, "invalid_api_key",
                    given == null ? "missing API key: send Authorization: Bearer KEY" : "incorrect API key provided");
        }
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private void health(Exchange x) throws IOException {
        Emu3Model m = model;
        if (m == null) {
            ApiError e = loadFailure != null ? ApiError.unavailable("model_load_failed", "the model failed to load; see the server log")
                    : ApiError.unavailable("loading", "Loading model");
            x.response.getHeaders().put(HttpHeader.RETRY_AFTER, "2");
            x.json(503, errorBody(e));
            return;
        }
        Runtime rt = Runtime.getRuntime();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", "ok");
        body.put("model", m.name());
        Map<String, Object> q = queue.stats();
        q.put("disconnects", disconnects.get());
        q.put("interim_responses", probes.get());
        q.put("intake_busy", INTAKE - intake.availablePermits());
        body.put("queue", q);
        body.put("heap_used_bytes", rt.totalMemory() - rt.freeMemory());
        body.put("heap_max_bytes", rt.maxMemory());
        body.put("uptime_s", (System.currentTimeMillis() - startedAt) / 1000);
        body.put("request_on_virtual_thread", Thread.currentThread().isVirtual());
        x.json(200, body);
    }

    private void models(Exchange x) throws IOException {
        Emu3Model m = model();
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("id", m.name());
        entry.put("object", "model");
        entry.put("created", startedAt / 1000);
        entry.put("owned_by", "emu4j");
        entry.put("capabilities", List.of("image_generation", "vision", "chat"));
        entry.put("context_length", m.contextLength());
        var g = m.gridFor("1:1");
        entry.put("image_size", g.cols() * m.spatialFactor() + "x" + g.rows() * m.spatialFactor());
        entry.put("aspect_ratios", ai.emu4j.api.AspectRatios.ALL);
        entry.put("limits", config.limits());
        x.json(200, Map.of("object", "list", "data", List.of(entry)));
    }

    private static void staticFile(Exchange x, String name, String type) throws IOException {
        Supplier<InputStream> open = () -> Emu4jServer.class.getResourceAsStream("web/" + name);
        try (InputStream in = open.get()) {
            if (in == null) throw ApiError.notFound("missing resource " + name);
            var h = x.response.getHeaders();
            h.put("Content-Security-Policy", "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'");
            h.put("X-Content-Type-Options", "nosniff");
            h.put("X-Frame-Options", "DENY");
            h.put("Referrer-Policy", "no-referrer");
            h.put(HttpHeader.CACHE_CONTROL, "no-cache");
            x.bytes(200, type, in.readAllBytes());
        }
    }
}
