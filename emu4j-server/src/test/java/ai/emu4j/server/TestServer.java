package ai.emu4j.server;

import ai.emu4j.api.RandomModels;
import ai.emu4j.models.vq.MediaFiles;
import ai.emu4j.models.vq.RgbImage;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;

/** A server on an ephemeral loopback port over a random-weight model folder written for the test. */
final class TestServer implements AutoCloseable {
    final Emu4jServer server;
    final String base;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private TestServer(Emu4jServer server) {
        this.server = server;
        this.base = "http://127.0.0.1:" + server.port();
    }

    static Path model(Path dir, RandomModels.Size size) throws IOException {
        Path m = dir.resolve("tiny-emu3");
        if (!Files.isDirectory(m)) RandomModels.write(m, size, 7);
        return m;
    }

    static TestServer start(ServerConfig config) throws Exception {
        Emu4jServer s = new Emu4jServer(config).start();
        if (!s.awaitModel()) throw new IllegalStateException("model did not load");
        return new TestServer(s);
    }

    /** Talks to a server started elsewhere. */
    static TestServer attach(Emu4jServer server) {
        return new TestServer(server);
    }

    static ServerConfig config(Path model) {
        return ServerConfig.defaults(model).withPort(0);
    }

    record Reply(int status, JsonNode json, String body, java.net.http.HttpHeaders headers) {}

    Reply send(HttpRequest.Builder b) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode json = null;
        String type = r.headers().firstValue("content-type").orElse("");
        if (type.startsWith("application/json")) json = JsonFields.MAPPER.readTree(r.body());
        return new Reply(r.statusCode(), json, r.body(), r.headers());
    }

    HttpRequest.Builder post(String path, String json) {
        return HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
    }

    HttpRequest.Builder get(String path) {
        return HttpRequest.newBuilder(URI.create(base + path)).GET();
    }

    Reply post(String path, Map<String, ?> body) throws IOException, InterruptedException {
        return send(post(path, JsonFields.MAPPER.writeValueAsString(body)));
    }

    /** A small picture as a PNG data URL. */
    static String dataUrl(int w, int h) {
        byte[] px = new byte[w * h * 3];
        for (int i = 0; i < px.length; i++) px[i] = (byte) (i * 37 % 251);
        return "data:image/png;base64," + Base64.getEncoder().encodeToString(MediaFiles.pngBytes(new RgbImage(w, h, px), Map.of()));
    }

    @Override
    public void close() {
        server.close();
        http.close();
    }
}
