package ai.emu4j.server;

import ai.emu4j.api.ChatMessage;
import ai.emu4j.api.Emu3Model;
import ai.emu4j.api.ImageTokens;
import ai.emu4j.api.TextOptions;
import ai.emu4j.api.TextResult;
import ai.emu4j.models.vq.MediaFiles;
import ai.emu4j.models.vq.RgbImage;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * {@code POST /v1/chat/completions} (text and image_url parts, images as base64 data URLs, streaming by SSE
 * ending in {@code data: [DONE]}, usage counts) and the tokenizer view's {@code POST /v1/emu4j/tokenize}.
 */
final class ChatApi {
    private final Emu4jServer server;

    ChatApi(Emu4jServer server) {
        this.server = server;
    }

    record Parsed(List<ChatMessage> messages, TextOptions options, boolean stream, boolean includeUsage) {}

    Parsed parse(ObjectNode o) {
        Limits limits = server.config().limits();
        server.checkModelName(JsonFields.string(o, "model", "model"));
        JsonNode msgs = o.get("messages");
        if (msgs == null || !msgs.isArray() || msgs.isEmpty()) throw ApiError.invalid("messages", "messages must be a non-empty array");
        if (msgs.size() > limits.maxMessages()) {
            throw ApiError.limit(400, "messages", "max_messages", msgs.size() + " messages are over " + limits.maxMessages());
        }
        int images = 0;
        long chars = 0;
        List<ChatMessage> out = new ArrayList<>();
        for (int i = 0; i < msgs.size(); i++) {
            String at = "messages[" + i + "]";
            JsonNode m = msgs.get(i);
            if (!m.isObject()) throw ApiError.invalid(at, at + " must be an object");
            String role = JsonFields.requiredString(m, "role", at + ".role");
            if (role.equals("developer")) role = "system";
            if (!List.of("system", "user", "assistant").contains(role)) throw ApiError.invalid(at + ".role", at + ".role must be system, developer, user or assistant");
            JsonNode content = m.get("content");
            StringBuilder text = new StringBuilder();
            List<RgbImage> pics = new ArrayList<>();
            if (content == null || content.isNull()) {
                // an empty turn
            } else if (content.isTextual()) {
                text.append(content.asText());
            } else if (content.isArray()) {
                for (int j = 0; j < content.size(); j++) {
                    String pa = at + ".content[" + j + "]";
                    JsonNode part = content.get(j);
                    if (!part.isObject()) throw ApiError.invalid(pa, pa + " must be an object");
                    String type = JsonFields.requiredString(part, "type", pa + ".type");
                    switch (type) {
                        case "text" -> text.append(text.isEmpty() ? "" : " ").append(JsonFields.requiredString(part, "text", pa + ".text"));
                        case "image_url" -> {
                            if (++images > limits.maxImages()) {
                                throw ApiError.limit(400, pa, "max_images", "more than " + limits.maxImages() + " images in one request");
                            }
                            JsonNode iu = part.get("image_url");
                            String url = iu != null && iu.isTextual() ? iu.asText() : iu != null && iu.isObject() ? JsonFields.requiredString(iu, "url", pa + ".image_url.url") : null;
                            if (url == null) throw ApiError.invalid(pa + ".image_url", pa + ".image_url must be {\"url\": \"data:image/...;base64,...\"}");
                            pics.add(DataUrls.image(url, pa + ".image_url.url", limits));
                        }
                        default -> throw ApiError.invalid(pa + ".type", pa + ".type must be text or image_url");
                    }
                }
            } else {
                throw ApiError.invalid(at + ".content", at + ".content must be a string or an array of parts");
            }
            if (!pics.isEmpty() && !role.equals("user")) throw ApiError.invalid(at + ".content", "only user messages may carry images");
            chars += text.length();
            limits.checkPromptChars("messages", chars);
            out.add(new ChatMessage(role, text.toString(), pics));
        }
        if (out.stream().noneMatch(c -> c.role().equals("user"))) throw ApiError.invalid("messages", "messages need at least one user message");
        long n = JsonFields.integer(o, "n", 1, 1, 1, null);
        assert n == 1;
        int def = Math.min(256, limits.maxTokens());
        long maxTokens = o.hasNonNull("max_completion_tokens")
                ? JsonFields.integer(o, "max_completion_tokens", def, 1, limits.maxTokens(), "max_tokens")
                : JsonFields.integer(o, "max_tokens", def, 1, limits.maxTokens(), "max_tokens");
        float temperature = (float) JsonFields.number(o, "temperature", 0, 0, 2);
        float topP = (float) JsonFields.number(o, "top_p", 1, Double.MIN_VALUE, 1);
        int topK = (int) JsonFields.integer(o, "top_k", 0, 0, Integer.MAX_VALUE, null);
        long seed = JsonFields.integer(o, "seed", Long.MIN_VALUE, Long.MIN_VALUE, Long.MAX_VALUE, null);
        boolean stream = JsonFields.bool(o, "stream", false);
        JsonNode so = o.get("stream_options");
        if (so != null && !so.isNull() && !so.isObject()) throw ApiError.invalid("stream_options", "stream_options must be an object");
        boolean usage = so != null && so.isObject() && JsonFields.bool(so, "include_usage", false);
        return new Parsed(out, new TextOptions((int) maxTokens, temperature, topK, topP, seed == Long.MIN_VALUE ? null : seed, 0), stream, usage);
    }

    /** The prompt under the token cap, computed on the compute thread (images are encoded there). */
    private int[] prompt(Emu3Model m, List<ChatMessage> messages) {
        int[] prompt = m.chatPrompt(messages);
        int cap = server.config().limits().maxPromptTokens();
        if (prompt.length > cap) throw ApiError.limit(400, "messages", "max_prompt_tokens", "prompt of " + prompt.length + " tokens is over " + cap);
        if (prompt.length + 1 > m.contextLength()) {
            throw new ApiError(400, "invalid_request_error", "messages", "context_length_exceeded",
                    "prompt of " + prompt.length + " tokens leaves no room in the model's context of " + m.contextLength() + " tokens");
        }
        return prompt;
    }

    void run(Exchange x, Emu3Model m, Parsed p) throws Exception {
        long deadline = System.nanoTime() + server.config().timeout().toNanos();
        String id = "chatcmpl-" + UUID.randomUUID().toString().replace("-", "");
        long created = System.currentTimeMillis() / 1000;
        if (!p.stream()) {
            CompletableFuture<TextResult> f = server.queue().submit(() -> m.answer(prompt(m, p.messages()), p.options(), null, x.cancel), x.cancel);
            TextResult r = Jobs.await(f, x, deadline);
            Map<String, Object> choice = new LinkedHashMap<>();
            choice.put("index", 0);
            choice.put("message", Map.of("role", "assistant", "content", r.text()));
            choice.put("logprobs", null);
            choice.put("finish_reason", r.finishReason());
            Map<String, Object> resp = base(id, created, m, "chat.completion");
            resp.put("choices", List.of(choice));
            resp.put("usage", usage(r));
            x.json(200, resp);
            return;
        }
        BlockingQueue<Object> pieces = new LinkedBlockingQueue<>();
        Object end = new Object();
        CompletableFuture<TextResult> f = server.queue().submit(() -> m.answer(prompt(m, p.messages()), p.options(), pieces::add, x.cancel), x.cancel);
        f.whenComplete((r, t) -> pieces.add(end));
        try (Exchange.Sse sse = x.sse()) {
            sse.event(null, chunk(id, created, m, Map.of("role", "assistant", "content", ""), null));
            while (true) {
                Object piece = pieces.poll(5, TimeUnit.SECONDS);
                if (System.nanoTime() > deadline) {
                    x.cancel.cancel();
                    sse.event(null, Emu4jServer.errorBody(ApiError.unavailable("timeout", "the request ran past the server's time limit and was stopped (server limit timeout)")));
                    return;
                }
                if (piece == null) {
                    sse.comment("working");
                    continue;
                }
                if (piece == end) break;
                sse.event(null, chunk(id, created, m, Map.of("content", piece), null));
            }
            TextResult r;
            try {
                r = f.join();
            } catch (java.util.concurrent.CompletionException ce) {
                Exception c = Jobs.toClient(ce.getCause());
                ApiError err = c instanceof ApiError a ? a : new ApiError(500, "server_error", null, "internal_error", "internal server error");
                if (!(c instanceof ApiError)) Emu4jServer.LOG.log(java.util.logging.Level.SEVERE, "chat stream failed", ce.getCause());
                sse.event(null, Emu4jServer.errorBody(err));
                sse.done();
                return;
            }
            sse.event(null, chunk(id, created, m, Map.of(), r.finishReason()));
            if (p.includeUsage()) {
                Map<String, Object> u = base(id, created, m, "chat.completion.chunk");
                u.put("choices", List.of());
                u.put("usage", usage(r));
                sse.event(null, u);
            }
            sse.done();
        } catch (IOException gone) {
            x.gone();
        }
    }

    private static Map<String, Object> base(String id, long created, Emu3Model m, String object) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("id", id);
        c.put("object", object);
        c.put("created", created);
        c.put("model", m.name());
        return c;
    }

    private static Map<String, Object> chunk(String id, long created, Emu3Model m, Map<String, Object> delta, String finish) {
        Map<String, Object> c = base(id, created, m, "chat.completion.chunk");
        Map<String, Object> choice = new LinkedHashMap<>();
        choice.put("index", 0);
        choice.put("delta", delta);
        choice.put("logprobs", null);
        choice.put("finish_reason", finish);
        c.put("choices", List.of(choice));
        return c;
    }

    private static Map<String, Object> usage(TextResult r) {
        return Map.of("prompt_tokens", r.promptTokens(), "completion_tokens", r.completionTokens(), "total_tokens", r.promptTokens() + r.completionTokens());
    }

    /**
     * {@code {"image": "data:image/png;base64,..."}} and/or {@code {"text": "..."}}: the image's code grid and its
     * reconstruction (PNG), the text's token ids.
     */
    record TokenizeRequest(int[] textTokens, RgbImage image) {}

    TokenizeRequest parseTokenize(ObjectNode o, Emu3Model m) {
        Limits limits = server.config().limits();
        String text = JsonFields.string(o, "text", "text");
        String image = JsonFields.string(o, "image", "image");
        if (text == null && image == null) throw ApiError.invalid(null, "send image (a data URL) and/or text");
        int[] ids = null;
        if (text != null) {
            limits.checkPromptChars("text", text.length());
            ids = m.encodeText(text);
            if (ids.length > limits.maxPromptTokens()) throw ApiError.limit(400, "text", "max_prompt_tokens", "text of " + ids.length + " tokens is over " + limits.maxPromptTokens());
        }
        return new TokenizeRequest(ids, image == null ? null : DataUrls.image(image, "image", limits));
    }

    void tokenize(Exchange x, Emu3Model m, TokenizeRequest req) throws Exception {
        Map<String, Object> out = new LinkedHashMap<>();
        if (req.textTokens() != null) out.put("text_tokens", req.textTokens());
        if (req.image() != null) {
            RgbImage picture = req.image();
            long deadline = System.nanoTime() + server.config().timeout().toNanos();
            record Recon(ImageTokens tokens, RgbImage back) {}
            Recon r = Jobs.await(server.queue().submit(() -> {
                ImageTokens t = m.encode(picture);
                return new Recon(t, m.decode(t));
            }, x.cancel), x, deadline);
            out.put("rows", r.tokens().rows());
            out.put("cols", r.tokens().cols());
            out.put("codebook_size", m.codebookSize());
            out.put("codes", r.tokens().codes());
            out.put("reconstruction_b64", Base64.getEncoder().encodeToString(MediaFiles.pngBytes(r.back(), Map.of())));
        }
        x.json(200, out);
    }
}
