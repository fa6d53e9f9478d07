package ai.emu4j.server;

import ai.emu4j.api.RandomModels;
import ai.emu4j.models.vq.MediaFiles;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.NotFoundException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionContentPart;
import com.openai.models.chat.completions.ChatCompletionContentPartImage;
import com.openai.models.chat.completions.ChatCompletionContentPartText;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.images.ImageGenerateParams;
import com.openai.models.images.ImagesResponse;
import com.openai.models.models.Model;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The official OpenAI Java SDK, pointed at the server, generates an image and captions one through chat completions. */
class OpenAiSdkTest {
    @TempDir
    static Path dir;
    static TestServer s;
    static OpenAIClient client;

    @BeforeAll
    static void start() throws Exception {
        s = TestServer.start(TestServer.config(TestServer.model(dir, RandomModels.Size.TINY)).withApiKey("sk-local"));
        client = OpenAIOkHttpClient.builder().baseUrl(s.base + "/v1").apiKey("sk-local").maxRetries(0).build();
    }

    @AfterAll
    static void stop() throws Exception {
        client.close();
        s.close();
    }

    @Test
    void generatesAnImage() throws Exception {
        ImagesResponse r = client.images().generate(ImageGenerateParams.builder()
                .prompt("a red circle")
                .n(1)
                .size(ImageGenerateParams.Size._1024X1024)
                .responseFormat(ImageGenerateParams.ResponseFormat.B64_JSON)
                .putAdditionalBodyProperty("seed", JsonValue.from(42))
                .putAdditionalBodyProperty("cfg_scale", JsonValue.from(2.0))
                .build());
        byte[] png = Base64.getDecoder().decode(r.data().orElseThrow().getFirst().b64Json().orElseThrow());
        Path f = dir.resolve("sdk.png");
        Files.write(f, png);
        assertEquals("42", MediaFiles.readPngText(f).get("seed"));
        assertTrue(r.created() > 0);
    }

    @Test
    void waitsThroughInterimResponsesWhileQueued() throws Exception {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        s.server.queue().submit(() -> {
            release.await();
            return null;
        }, new ai.emu4j.api.Cancellation());
        long probes = s.send(s.get("/health")).json().get("queue").get("interim_responses").asLong();
        Thread releaser = Thread.ofVirtual().start(() -> {
            try {
                while (s.send(s.get("/health")).json().get("queue").get("interim_responses").asLong() == probes) Thread.sleep(50);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            } finally {
                release.countDown();
            }
        });
        ImagesResponse r = client.images().generate(ImageGenerateParams.builder().prompt("after a wait").build());
        releaser.join();
        assertTrue(r.data().orElseThrow().getFirst().b64Json().isPresent(), "the SDK skips the 102 and reads the answer");
    }

    @Test
    void captionsAnImageThroughChatCompletions() {
        ChatCompletion c = client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("tiny-emu3")
                .addUserMessageOfArrayOfContentParts(List.of(
                        ChatCompletionContentPart.ofText(ChatCompletionContentPartText.builder().text("Describe the image").build()),
                        ChatCompletionContentPart.ofImageUrl(ChatCompletionContentPartImage.builder()
                                .imageUrl(ChatCompletionContentPartImage.ImageUrl.builder().url(TestServer.dataUrl(32, 32)).build()).build())))
                .maxCompletionTokens(6)
                .build());
        assertEquals(1, c.choices().size());
        assertTrue(c.choices().getFirst().message().content().isPresent());
        var usage = c.usage().orElseThrow();
        assertTrue(usage.promptTokens() > 64 && usage.completionTokens() >= 1 && usage.completionTokens() <= 6, usage.toString());
        assertEquals(usage.promptTokens() + usage.completionTokens(), usage.totalTokens());
    }

    @Test
    void streamsAChatAnswer() {
        StringBuilder text = new StringBuilder();
        String[] finish = {null};
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(ChatCompletionCreateParams.builder()
                .model("tiny-emu3").addUserMessage("hello").maxCompletionTokens(4).build())) {
            stream.stream().forEach(chunk -> chunk.choices().forEach(ch -> {
                ch.delta().content().ifPresent(text::append);
                ch.finishReason().ifPresent(f -> finish[0] = f.asString());
            }));
        }
        assertTrue(finish[0] != null, "a final chunk carries the finish reason");
    }

    @Test
    void listsTheModelAndMapsErrors() {
        List<Model> models = client.models().list().data();
        assertEquals("tiny-emu3", models.getFirst().id());
        NotFoundException e = assertThrows(NotFoundException.class, () -> client.images().generate(ImageGenerateParams.builder()
                .prompt("x").model("dall-e-3").build()));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
        OpenAIClient wrong = OpenAIOkHttpClient.builder().baseUrl(s.base + "/v1").apiKey("sk-wrong").maxRetries(0).build();
        try {
            assertThrows(UnauthorizedException.class, () -> wrong.models().list());
        } finally {
            wrong.close();
        }
        assertFalse(models.isEmpty());
    }
}
