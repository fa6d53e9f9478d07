package ai.emu4j.server;

import ai.emu4j.api.Emu3Model;
import ai.emu4j.api.RandomModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The port answers before the model is ready: 503 in OpenAI's envelope while it loads or when it failed to load. */
class LoadingTest {
    @Test
    void answers503WhileTheModelLoadsThen200(@TempDir Path dir) throws Exception {
        Path folder = TestServer.model(dir, RandomModels.Size.TINY);
        CountDownLatch loaded = new CountDownLatch(1);
        try (Emu4jServer server = new Emu4jServer(TestServer.config(folder)).start(() -> {
            loaded.await();
            return Emu3Model.load(folder);
        })) {
            TestServer t = TestServer.attach(server);
            TestServer.Reply health = t.send(t.get("/health"));
            assertEquals(503, health.status());
            assertEquals("unavailable_error", health.json().get("error").get("type").asText());
            assertEquals("Loading model", health.json().get("error").get("message").asText());
            assertTrue(health.headers().firstValue("retry-after").isPresent());
            assertEquals(503, t.send(t.post("/v1/images/generations", "{\"prompt\":\"x\"}")).status());
            assertEquals(503, t.send(t.get("/v1/models")).status());
            assertEquals(200, t.send(t.get("/")).status(), "the page is served and shows the state");
            loaded.countDown();
            assertTrue(server.awaitModel());
            assertEquals(200, t.send(t.get("/health")).status());
        }
    }

    @Test
    void aModelThatCannotLoadLeavesTheServerAnswering503(@TempDir Path dir) throws Exception {
        try (Emu4jServer server = new Emu4jServer(TestServer.config(dir.resolve("no-such-model"))).start()) {
            assertFalse(server.awaitModel());
            TestServer t = TestServer.attach(server);
            TestServer.Reply health = t.send(t.get("/health"));
            assertEquals(503, health.status());
            assertEquals("model_load_failed", health.json().get("error").get("code").asText());
            assertFalse(health.body().contains(dir.toString()), "no server path in a public answer");
            assertEquals(503, t.send(t.post("/v1/chat/completions", "{\"messages\":[]}")).status());
        }
    }
}
