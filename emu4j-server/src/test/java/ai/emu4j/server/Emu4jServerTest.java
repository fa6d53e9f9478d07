package ai.emu4j.server;

import ai.emu4j.api.RandomModels;
import ai.emu4j.models.vq.MediaFiles;
import ai.emu4j.models.vq.RgbImage;
import ai.emu4j.models.vq.VQImages;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The API end to end over HTTP on a random-weight model: shapes of every answer, streaming, PNG parameters. */
class Emu4jServerTest {
    @TempDir
    static Path dir;
    static TestServer s;

    @BeforeAll
    static void start() throws Exception {
        s = TestServer.start(TestServer.config(TestServer.model(dir, RandomModels.Size.TINY)));
    }

    @AfterAll
    static void stop() throws Exception {
        s.close();
    }

    @Test
    void healthAndModels() throws Exception {
        var h = s.send(s.get("/health"));
        assertEquals(200, h.status());
        assertEquals("ok", h.json().get("status").asText());
        assertTrue(h.json().get("heap_used_bytes").asLong() > 0);
        assertTrue(h.json().get("request_on_virtual_thread").asBoolean(), "requests run on virtual threads");
        var m = s.send(s.get("/v1/models"));
        assertEquals(200, m.status());
        assertEquals("list", m.json().get("object").asText());
        assertEquals("tiny-emu3", m.json().get("data").get(0).get("id").asText());
        assertEquals("32x32", m.json().get("data").get(0).get("image_size").asText());
    }

    @Test
    void generatesReproduciblePngsWithTheirParameters() throws Exception {
        Map<String, Object> req = Map.of("prompt", "a red circle", "n", 2, "size", "1024x1024", "seed", 42, "response_format", "b64_json",
                "negative_prompt", "blurry", "cfg_scale", 2.5, "top_k", 8);
        var a = s.post("/v1/images/generations", req);
        assertEquals(200, a.status(), a.body());
        assertEquals(2, a.json().get("data").size());
        byte[] png = Base64.getDecoder().decode(a.json().get("data").get(0).get("b64_json").asText());
        Path f = dir.resolve("a.png");
        Files.write(f, png);
        RgbImage img = VQImages.read(f);
        assertEquals(32, img.width());
        Map<String, String> text = MediaFiles.readPngText(f);
        assertEquals("a red circle", text.get("prompt"));
        assertEquals("42", text.get("seed"));
        assertEquals("blurry", text.get("negative_prompt"));
        assertEquals("2.5", text.get("cfg_scale"));
        assertEquals("8", text.get("top_k"));
        assertEquals("43", a.json().get("data").get(1).get("parameters").get("seed").asText(), "image i uses seed + i");
        var b = s.post("/v1/images/generations", req);
        assertEquals(a.json().get("data").get(0).get("b64_json").asText(), b.json().get("data").get(0).get("b64_json").asText(), "same seed, same picture");
    }

    @Test
    void sizeMapsToTheNearestAspectRatio() throws Exception {
        var r = s.post("/v1/images/generations", Map.of("prompt", "wide", "size", "1792x1024", "seed", 1));
        assertEquals(200, r.status(), r.body());
        assertEquals("16:9", r.json().get("data").get(0).get("parameters").get("ratio").asText());
        var url = s.post("/v1/images/generations", Map.of("prompt", "x", "response_format", "url", "seed", 1));
        assertTrue(url.json().get("data").get(0).get("url").asText().startsWith("data:image/png;base64,"));
    }

    /** Reads an SSE response into (event, data) pairs. */
    static List<String[]> events(InputStream in) throws Exception {
        List<String[]> out = new ArrayList<>();
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        String event = null;
        for (String line; (line = r.readLine()) != null; ) {
            if (line.startsWith("event: ")) event = line.substring(7);
            if (line.startsWith("data: ")) {
                out.add(new String[] {event, line.substring(6)});
                event = null;
            }
        }
        return out;
    }

    @Test
    void streamsProgressPartialImagesAndTheFinalImage() throws Exception {
        HttpResponse<InputStream> r = s.http.send(s.post("/v1/images/generations",
                "{\"prompt\":\"a blue square\",\"seed\":5,\"stream\":true,\"preview_every_rows\":1}").build(), HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("content-type").orElse("").startsWith("text/event-stream"));
        List<String[]> ev = events(r.body());
        assertEquals("[DONE]", ev.getLast()[1]);
        assertEquals("image_generation.started", ev.getFirst()[0]);
        List<Integer> partialRows = new ArrayList<>();
        String finalB64 = null;
        for (String[] e : ev) {
            if ("image_generation.partial_image".equals(e[0])) {
                JsonNode j = JsonFields.MAPPER.readTree(e[1]);
                partialRows.add(j.get("rows_done").asInt());
                byte[] png = Base64.getDecoder().decode(j.get("b64_json").asText());
                Path f = dir.resolve("partial.png");
                Files.write(f, png);
                assertEquals(j.get("rows_done").asInt() * 4, VQImages.read(f).height(), "a preview shows the rows generated so far");
            }
            if ("image_generation.completed".equals(e[0])) finalB64 = JsonFields.MAPPER.readTree(e[1]).get("b64_json").asText();
        }
        assertEquals(List.of(1, 2, 3, 4, 5, 6, 7), partialRows, "8 rows: a preview after each but the last");
        assertNotNull(finalB64);
        var plain = s.post("/v1/images/generations", Map.of("prompt", "a blue square", "seed", 5));
        assertEquals(plain.json().get("data").get(0).get("b64_json").asText(), finalB64, "streaming does not change the picture");
    }

    @Test
    void chatCaptionsAnImageWithUsage() throws Exception {
        String body = "{\"model\":\"tiny-emu3\",\"max_tokens\":5,\"messages\":[{\"role\":\"system\",\"content\":\"be brief\"},"
                + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"Describe the image\"},"
                + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"" + TestServer.dataUrl(40, 30) + "\",\"detail\":\"auto\"}}]}]}";
        var r = s.send(s.post("/v1/chat/completions", body));
        assertEquals(200, r.status(), r.body());
        JsonNode j = r.json();
        assertEquals("chat.completion", j.get("object").asText());
        assertEquals("assistant", j.get("choices").get(0).get("message").get("role").asText());
        int completion = j.get("usage").get("completion_tokens").asInt();
        assertTrue(completion >= 1 && completion <= 5, r.body());
        assertTrue(j.get("usage").get("prompt_tokens").asInt() > 64, "the image's 8 x 8 codes are in the prompt");
        assertEquals(j.get("usage").get("prompt_tokens").asInt() + completion, j.get("usage").get("total_tokens").asInt());
    }

    @Test
    void chatStreamsChunksEndingInDone() throws Exception {
        String body = "{\"stream\":true,\"stream_options\":{\"include_usage\":true},\"max_tokens\":4,\"temperature\":0.7,\"seed\":3,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}";
        HttpResponse<InputStream> r = s.http.send(s.post("/v1/chat/completions", body).build(), HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, r.statusCode());
        List<String[]> ev = events(r.body());
        assertEquals("[DONE]", ev.getLast()[1]);
        JsonNode first = JsonFields.MAPPER.readTree(ev.getFirst()[1]);
        assertEquals("chat.completion.chunk", first.get("object").asText());
        assertEquals("assistant", first.get("choices").get(0).get("delta").get("role").asText());
        JsonNode usage = JsonFields.MAPPER.readTree(ev.get(ev.size() - 2)[1]);
        assertEquals(0, usage.get("choices").size());
        assertTrue(usage.get("usage").get("total_tokens").asInt() > 0);
        JsonNode last = JsonFields.MAPPER.readTree(ev.get(ev.size() - 3)[1]);
        assertFalse(last.get("choices").get(0).get("finish_reason").isNull());
    }

    @Test
    void tokenizerViewReturnsGridAndReconstruction() throws Exception {
        var r = s.post("/v1/emu4j/tokenize", Map.of("image", TestServer.dataUrl(32, 32), "text", "a red circle"));
        assertEquals(200, r.status(), r.body());
        assertEquals(8, r.json().get("rows").asInt());
        assertEquals(64, r.json().get("codes").size());
        assertTrue(r.json().get("text_tokens").size() > 0);
        assertTrue(Base64.getDecoder().decode(r.json().get("reconstruction_b64").asText()).length > 0);
    }

    @Test
    void servesThePageWithASafeContentPolicy() throws Exception {
        var r = s.send(s.get("/"));
        assertEquals(200, r.status());
        assertTrue(r.body().contains("<title>emu4j</title>"));
        assertTrue(r.headers().firstValue("content-security-policy").orElse("").contains("default-src 'self'"));
        assertEquals(200, s.send(s.get("/app.js")).status());
        assertEquals(200, s.send(s.get("/style.css")).status());
    }

    @Test
    void aSameOriginPageMayCallTheApi() throws Exception {
        var r = s.send(s.get("/v1/models").header("Origin", s.base));
        assertEquals(200, r.status());
    }

    @Test
    void codesRoundTripThroughTheApiGrid() throws Exception {
        var r1 = s.post("/v1/emu4j/tokenize", Map.of("image", TestServer.dataUrl(32, 32)));
        var r2 = s.post("/v1/emu4j/tokenize", Map.of("image", TestServer.dataUrl(32, 32)));
        int[] a = JsonFields.MAPPER.convertValue(r1.json().get("codes"), int[].class), b = JsonFields.MAPPER.convertValue(r2.json().get("codes"), int[].class);
        assertArrayEquals(a, b);
    }
}
