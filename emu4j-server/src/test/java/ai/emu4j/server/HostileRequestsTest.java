package ai.emu4j.server;

import ai.emu4j.api.RandomModels;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Check 4 of the server issue: each hostile request gets the right 4xx with an OpenAI-style error body, and
 * after each one the server still answers a normal request.
 */
class HostileRequestsTest {
    @TempDir
    static Path dir;
    static TestServer s;
    static final String KEY = "sk-test-123";

    @BeforeAll
    static void start() throws Exception {
        Limits small = new Limits(256 * 1024, 64L * 64, 4, 2, 600, 4, 64, 16384, 16);
        s = TestServer.start(TestServer.config(TestServer.model(dir, RandomModels.Size.TINY)).withApiKey(KEY).withLimits(small));
    }

    @AfterAll
    static void stop() throws Exception {
        s.close();
    }

    private static HttpRequest.Builder auth(HttpRequest.Builder b) {
        return b.header("Authorization", "Bearer " + KEY);
    }

    private static TestServer.Reply post(String path, String json) throws Exception {
        return s.send(auth(s.post(path, json)));
    }

    /** Status, OpenAI envelope, and a message that mentions the expected words. */
    private static JsonNode expect(TestServer.Reply r, int status, String type, String... words) {
        assertEquals(status, r.status(), r.body());
        assertNotNull(r.json(), "JSON error body: " + r.body());
        JsonNode e = r.json().get("error");
        assertNotNull(e, r.body());
        assertTrue(e.has("message") && e.has("type") && e.has("param") && e.has("code"), r.body());
        assertEquals(type, e.get("type").asText(), r.body());
        for (String w : words) assertTrue(e.get("message").asText().contains(w), "'" + w + "' in " + r.body());
        assertTrue(!r.body().contains("at ai.emu4j") && !r.body().contains("Exception"), "no stack trace: " + r.body());
        return e;
    }

    @AfterEach
    void stillServes() throws Exception {
        TestServer.Reply ok = post("/v1/images/generations", "{\"prompt\":\"ok\",\"seed\":1}");
        assertEquals(200, ok.status(), ok.body());
        assertEquals(200, s.send(s.get("/health")).status());
    }

    @Test
    void malformedJson() throws Exception {
        expect(post("/v1/images/generations", "{\"prompt\": \"a\","), 400, "invalid_request_error", "not valid JSON");
        expect(post("/v1/chat/completions", "[1,2]"), 400, "invalid_request_error", "JSON object");
        expect(post("/v1/images/generations", "{\"prompt\":\"a\",\"prompt\":\"b\"}"), 400, "invalid_request_error", "Duplicate");
        expect(post("/v1/images/generations", "{\"prompt\":\"a\"} trailing"), 400, "invalid_request_error", "not valid JSON");
        expect(post("/v1/images/generations", "{\"a\":" + "[".repeat(100) + "]".repeat(100) + "}"), 400, "invalid_request_error");
        expect(s.send(auth(s.get("/v1/images/generations")).method("POST", HttpRequest.BodyPublishers.ofString("x=1"))
                .header("Content-Type", "application/x-www-form-urlencoded")), 415, "invalid_request_error", "application/json");
    }

    @Test
    void wrongTypes() throws Exception {
        assertEquals("n", expect(post("/v1/images/generations", "{\"prompt\":\"a\",\"n\":\"2\"}"), 400, "invalid_request_error", "integer").get("param").asText());
        expect(post("/v1/images/generations", "{\"prompt\":42}"), 400, "invalid_request_error", "prompt must be a string");
        expect(post("/v1/images/generations", "{\"prompt\":\"a\",\"cfg_scale\":\"high\"}"), 400, "invalid_request_error", "cfg_scale");
        expect(post("/v1/images/generations", "{\"prompt\":\"a\",\"stream\":\"yes\"}"), 400, "invalid_request_error", "stream");
        expect(post("/v1/images/generations", "{\"prompt\":\"a\",\"seed\":1e400}"), 400, "invalid_request_error", "seed");
        expect(post("/v1/images/generations", "{\"n\":1}"), 400, "invalid_request_error", "prompt is required");
        expect(post("/v1/chat/completions", "{\"messages\":\"hi\"}"), 400, "invalid_request_error", "messages");
        expect(post("/v1/chat/completions", "{\"messages\":[{\"role\":\"user\",\"content\":7}]}"), 400, "invalid_request_error", "content");
        expect(post("/v1/chat/completions", "{\"messages\":[{\"role\":\"root\",\"content\":\"x\"}]}"), 400, "invalid_request_error", "role");
        expect(post("/v1/chat/completions", "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"temperature\":-1}"), 400, "invalid_request_error", "temperature");
    }

    @Test
    void hugeBodies() throws Exception {
        String big = "{\"prompt\":\"" + "a".repeat(300 * 1024) + "\"}";
        JsonNode e = expect(post("/v1/images/generations", big), 413, "invalid_request_error", "max_body_bytes");
        assertEquals("max_body_bytes_exceeded", e.get("code").asText());
        // Declared length over the cap: refused before the body is read.
        try (Socket sock = new Socket("127.0.0.1", s.server.port())) {
            OutputStream out = sock.getOutputStream();
            out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + KEY
                    + "\r\nContent-Type: application/json\r\nContent-Length: 10000000000\r\nConnection: close\r\n\r\n{").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String reply = new String(sock.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(reply.startsWith("HTTP/1.1 413"), reply);
            assertTrue(reply.contains("max_body_bytes"), reply);
        }
        // Long text is refused before tokenizing (600 tokens x 32 characters).
        expect(post("/v1/images/generations", "{\"prompt\":\"" + "x".repeat(20000) + "\"}"), 400, "invalid_request_error", "20000 characters", "max_prompt_tokens");
        expect(post("/v1/chat/completions", "{\"messages\":[{\"role\":\"user\",\"content\":\"" + "y".repeat(20000) + "\"}]}"), 400,
                "invalid_request_error", "max_prompt_tokens");
        // Many tokens in few bytes.
        expect(post("/v1/images/generations", "{\"prompt\":\"" + "a red circle ".repeat(200) + "\"}"), 400, "invalid_request_error", "tokens is over 600", "max_prompt_tokens");
    }

    /** A PNG whose header claims width x height, with a little zlib data that would inflate to the full raster. */
    static byte[] bombPng(int width, int height) throws IOException {
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        png.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        java.nio.ByteBuffer ihdr = java.nio.ByteBuffer.allocate(13).putInt(width).putInt(height).put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
        chunk(png, "IHDR", ihdr.array());
        ByteArrayOutputStream z = new ByteArrayOutputStream();
        try (DeflaterOutputStream d = new DeflaterOutputStream(z, new Deflater(9))) {
            byte[] zeros = new byte[1 << 16];
            for (int i = 0; i < 256; i++) d.write(zeros);   // 16 MiB of zeros -> a few KB
        }
        chunk(png, "IDAT", z.toByteArray());
        chunk(png, "IEND", new byte[0]);
        return png.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) throws IOException {
        out.write(java.nio.ByteBuffer.allocate(4).putInt(data.length).array());
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        out.write(t);
        out.write(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        out.write(java.nio.ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    private static String chatWithImage(String url) {
        return "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"what\"},{\"type\":\"image_url\",\"image_url\":{\"url\":\"" + url + "\"}}]}]}";
    }

    @Test
    void decompressionBombInADataUrl() throws Exception {
        byte[] bomb = bombPng(100_000, 100_000);
        assertTrue(bomb.length < 64 * 1024, "a small file: " + bomb.length);
        JsonNode e = expect(post("/v1/chat/completions", chatWithImage("data:image/png;base64," + Base64.getEncoder().encodeToString(bomb))),
                413, "invalid_request_error", "max_image_pixels", "100000x100000");
        assertEquals("messages[0].content[1].image_url.url", e.get("param").asText());
        expect(post("/v1/emu4j/tokenize", "{\"image\":\"data:image/png;base64," + Base64.getEncoder().encodeToString(bomb) + "\"}"), 413,
                "invalid_request_error", "max_image_pixels");
        expect(post("/v1/chat/completions", chatWithImage("data:image/png;base64,AAAA")), 400, "invalid_request_error", "not a readable");
        expect(post("/v1/chat/completions", chatWithImage("data:image/png;base64,@@@")), 400, "invalid_request_error", "base64");
        String three = "{\"messages\":[{\"role\":\"user\",\"content\":[" + String.join(",", java.util.Collections.nCopies(3,
                "{\"type\":\"image_url\",\"image_url\":{\"url\":\"" + TestServer.dataUrl(8, 8) + "\"}}")) + "]}]}";
        expect(post("/v1/chat/completions", three), 400, "invalid_request_error", "max_images");
    }

    @Test
    void tooManyFramesInAnAnimatedGif() throws Exception {
        java.util.List<ai.emu4j.models.vq.RgbImage> frames = new java.util.ArrayList<>();
        for (int i = 0; i < 6; i++) frames.add(new ai.emu4j.models.vq.RgbImage(8, 8, new byte[8 * 8 * 3]));
        Path gif = dir.resolve("six.gif");
        ai.emu4j.models.vq.MediaFiles.writeGif(frames, 10, gif);
        String url = "data:image/gif;base64," + Base64.getEncoder().encodeToString(java.nio.file.Files.readAllBytes(gif));
        expect(post("/v1/chat/completions", chatWithImage(url)), 413, "invalid_request_error", "max_frames");
    }

    @Test
    void absurdCounts() throws Exception {
        JsonNode e = expect(post("/v1/images/generations", "{\"prompt\":\"a\",\"n\":1000000}"), 400, "invalid_request_error", "max_n", "1000000");
        assertEquals("n", e.get("param").asText());
        expect(post("/v1/images/generations", "{\"prompt\":\"a\",\"n\":0}"), 400, "invalid_request_error", "n must be at least 1");
        expect(post("/v1/images/generations", "{\"prompt\":\"a\",\"n\":-5}"), 400, "invalid_request_error", "n must be at least 1");
        expect(post("/v1/images/generations", "{\"prompt\":\"a\",\"size\":\"-512x512\"}"), 400, "invalid_request_error", "size");
        expect(post("/v1/images/generations", "{\"prompt\":\"a\",\"size\":\"0x512\"}"), 400, "invalid_request_error", "size");
        expect(post("/v1/images/generations", "{\"prompt\":\"a\",\"size\":\"99999999x1\"}"), 400, "invalid_request_error", "size");
        expect(post("/v1/images/generations", "{\"prompt\":\"a\",\"top_k\":-1}"), 400, "invalid_request_error", "top_k");
        expect(post("/v1/chat/completions", "{\"max_tokens\":100000,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"), 400, "invalid_request_error", "max_tokens", "64");
        expect(post("/v1/chat/completions", "{\"max_tokens\":-1,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"), 400, "invalid_request_error", "max_tokens");
        expect(post("/v1/chat/completions", "{\"n\":3,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"), 400, "invalid_request_error", "n");
    }

    @Test
    void unknownModels() throws Exception {
        JsonNode e = expect(post("/v1/images/generations", "{\"prompt\":\"a\",\"model\":\"dall-e-3\"}"), 404, "invalid_request_error", "dall-e-3", "does not exist");
        assertEquals("model_not_found", e.get("code").asText());
        expect(post("/v1/chat/completions", "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"), 404, "invalid_request_error", "gpt-4o");
    }

    @Test
    void dotDotInAnyField() throws Exception {
        expect(post("/v1/images/generations", "{\"prompt\":\"a\",\"model\":\"../../etc/passwd\"}"), 404, "invalid_request_error", "does not exist");
        expect(post("/v1/images/generations", "{\"prompt\":\"a\",\"model\":\"../tiny-emu3\"}"), 404, "invalid_request_error", "does not exist");
        expect(post("/v1/images/generations", "{\"prompt\":\"a\",\"size\":\"../512x512\"}"), 400, "invalid_request_error", "size");
        expect(post("/v1/images/generations", "{\"prompt\":\"a\",\"aspect_ratio\":\"../1:1\"}"), 400, "invalid_request_error", "aspect_ratio");
        expect(post("/v1/images/generations", "{\"prompt\":\"a\",\"response_format\":\"../b64_json\"}"), 400, "invalid_request_error", "response_format");
        expect(post("/v1/images/generations", "{\"prompt\":\"a\",\"output_format\":\"../../x.png\"}"), 400, "invalid_request_error", "output_format");
        expect(post("/v1/chat/completions", chatWithImage("../../etc/passwd")), 400, "invalid_request_error", "never fetched");
        expect(post("/v1/chat/completions", chatWithImage("file:///etc/passwd")), 400, "invalid_request_error", "never fetched");
        expect(post("/v1/chat/completions", chatWithImage("http://169.254.169.254/latest")), 400, "invalid_request_error", "never fetched");
        expect(post("/v1/emu4j/tokenize", "{\"image\":\"../../../etc/passwd\"}"), 400, "invalid_request_error", "never fetched");
        for (String path : List.of("/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/static/../../pom.xml", "/..%2fpom.xml", "/web/index.html", "/ai/emu4j/server/web/app.js")) {
            TestServer.Reply r = s.send(auth(HttpRequest.newBuilder(URI.create(s.base + path)).GET()));
            assertTrue(r.status() == 400 || r.status() == 404, path + " -> " + r.status());
            assertTrue(r.json() != null && r.json().has("error"), path + " -> " + r.body());
        }
        // A prompt is text, not a path: "../" in it is drawn, never opened.
        TestServer.Reply ok = post("/v1/images/generations", "{\"prompt\":\"../../etc/passwd\",\"seed\":2}");
        assertEquals(200, ok.status());
        assertEquals("../../etc/passwd", ok.json().get("data").get(0).get("revised_prompt").asText());
    }

    @Test
    void missingOrWrongApiKey() throws Exception {
        JsonNode e = expect(s.send(s.post("/v1/images/generations", "{\"prompt\":\"a\"}")), 401, "authentication_error", "missing API key");
        assertEquals("invalid_api_key", e.get("code").asText());
        expect(s.send(s.post("/v1/images/generations", "{\"prompt\":\"a\"}").header("Authorization", "Bearer sk-wrong")), 401, "authentication_error", "incorrect");
        expect(s.send(s.get("/v1/models").header("Authorization", "Bearer " + KEY + "x")), 401, "authentication_error");
        TestServer.Reply page = s.send(s.get("/"));
        assertEquals(401, page.status());
        assertTrue(page.headers().firstValue("www-authenticate").orElse("").startsWith("Basic"), "browsers ask for the key");
        String basic = Base64.getEncoder().encodeToString(("user:" + KEY).getBytes(StandardCharsets.UTF_8));
        assertEquals(200, s.send(s.get("/").header("Authorization", "Basic " + basic)).status());
        assertEquals(200, s.send(s.get("/health")).status(), "/health is public");
    }

    /**
     * A request refused before any handler reads its body (here: no API key) has the body drained, up to four
     * times the body cap, so the pooled connection stays clean and a client still sending reads the answer;
     * a longer declared body is not read, and the reply says Connection: close so that no client reuses it.
     */
    @Test
    void refusedBodiesDoNotPoisonPooledConnections() throws Exception {
        String big = "{\"prompt\":\"" + "b".repeat(200 * 1024) + "\"}";
        for (int i = 0; i < 12; i++) {
            TestServer.Reply r = s.send(s.post("/v1/images/generations", big));
            assertEquals(401, r.status());
            assertTrue(r.headers().firstValue("connection").isEmpty(), "a drained body keeps its connection");
            expect(s.send(s.post("/v1/chat/completions", "{}")), 401, "authentication_error", "missing API key");
            assertEquals(200, s.send(s.get("/health")).status());
        }
        try (Socket sock = new Socket("127.0.0.1", s.server.port())) {
            OutputStream out = sock.getOutputStream();
            out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 2000000\r\n\r\n{")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String reply = new String(sock.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(reply.startsWith("HTTP/1.1 401"), reply);
            assertTrue(reply.toLowerCase(java.util.Locale.ROOT).contains("connection: close"), reply);
        }
    }

    @Test
    void foreignOriginAndHost() throws Exception {
        expect(s.send(auth(s.get("/v1/models")).header("Origin", "http://evil.example")), 403, "permission_error", "evil.example");
        expect(s.send(auth(s.post("/v1/images/generations", "{\"prompt\":\"a\"}")).header("Origin", "null")), 403, "permission_error", "Origin");
        expect(s.send(auth(s.get("/v1/models")).header("Origin", "http://127.0.0.1:1")), 403, "permission_error", "not allowed");
        // DNS rebinding: the page's own name in Host.
        try (Socket sock = new Socket("127.0.0.1", s.server.port())) {
            sock.getOutputStream().write(("GET /v1/models HTTP/1.1\r\nHost: rebind.evil.example:" + s.server.port() + "\r\nAuthorization: Bearer " + KEY
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String reply = new String(sock.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(reply.startsWith("HTTP/1.1 403") && reply.contains("DNS rebinding") && reply.contains("permission_error"), reply);
        }
    }

    @Test
    void unknownRoutesAndMethods() throws Exception {
        expect(s.send(auth(s.get("/v1/embeddings"))), 404, "not_found_error", "no route");
        expect(s.send(auth(s.get("/v1/images/generations"))), 405, "invalid_request_error", "POST");
        expect(s.send(auth(HttpRequest.newBuilder(URI.create(s.base + "/health")).DELETE())), 405, "invalid_request_error");
    }

    static String readAll(InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
}
