package ai.emu4j.server;

import ai.emu4j.api.AspectRatios;
import ai.emu4j.api.Emu3Model;
import ai.emu4j.api.GeneratedImage;
import ai.emu4j.api.ImageListener;
import ai.emu4j.api.ImageRequest;
import ai.emu4j.models.vq.MediaFiles;
import ai.emu4j.models.vq.RgbImage;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code POST /v1/images/generations}: OpenAI's fields (prompt, model, n, size, response_format) plus
 * negative_prompt, cfg_scale, seed, top_k, top_p, temperature and aspect_ratio. With {@code "stream": true} the answer
 * is a server-sent-event stream: image_generation.started, .progress (every row), .partial_image (the rows so
 * far, decoded, as PNG), .completed (the final PNG), then {@code data: [DONE]}.
 */
final class ImagesApi {
    private static final Pattern SIZE = Pattern.compile("^(\\d{1,5})x(\\d{1,5})$");
    private final Emu4jServer server;

    ImagesApi(Emu4jServer server) {
        this.server = server;
    }

    record Parsed(ImageRequest request, boolean url, boolean stream, int previewEvery, int rows) {}

    Parsed parse(ObjectNode o, Emu3Model m) {
        Limits limits = server.config().limits();
        server.checkModelName(JsonFields.string(o, "model", "model"));
        String prompt = JsonFields.requiredString(o, "prompt", "prompt");
        if (prompt.isBlank()) throw ApiError.invalid("prompt", "prompt must not be empty");
        String negative = JsonFields.string(o, "negative_prompt", "negative_prompt");
        limits.checkPromptChars("prompt", prompt.length());
        if (negative != null) limits.checkPromptChars("negative_prompt", negative.length());
        int n = (int) JsonFields.integer(o, "n", 1, 1, limits.maxN(), "max_n");
        String ratio = JsonFields.string(o, "aspect_ratio", "aspect_ratio");
        String size = JsonFields.string(o, "size", "size");
        if (ratio == null && size != null && !size.equals("auto")) {
            Matcher sm = SIZE.matcher(size.strip());
            if (!sm.matches()) throw ApiError.invalid("size", "size must be WIDTHxHEIGHT in pixels (e.g. 1024x1024) or auto");
            long w = Long.parseLong(sm.group(1)), h = Long.parseLong(sm.group(2));
            if (w < 1 || h < 1 || w > 16384 || h > 16384) throw ApiError.invalid("size", "size sides must be in 1..16384, got " + size);
            ratio = AspectRatios.nearest(w, h);
        }
        if (ratio == null) ratio = "1:1";
        Emu3Model.ImageTokensShape grid;
        try {
            grid = m.gridFor(ratio);
        } catch (IllegalArgumentException e) {
            throw ApiError.invalid("aspect_ratio", "aspect_ratio must be W:H with small positive integers, e.g. 16:9");
        }
        if (grid.generatedTokens() > limits.maxImageTokens()) {
            throw ApiError.limit(400, "aspect_ratio", "max_image_tokens", "an image at " + ratio + " needs " + grid.generatedTokens() + " tokens, over " + limits.maxImageTokens());
        }
        String format = JsonFields.string(o, "response_format", "response_format");
        if (format != null && !format.equals("b64_json") && !format.equals("url")) {
            throw ApiError.invalid("response_format", "response_format must be b64_json or url (a data: URL)");
        }
        String outputFormat = JsonFields.string(o, "output_format", "output_format");
        if (outputFormat != null && !outputFormat.equals("png")) throw ApiError.invalid("output_format", "output_format must be png");
        float cfg = (float) JsonFields.number(o, "cfg_scale", o.has("guidance_scale") ? JsonFields.number(o, "guidance_scale", 3, 0, 100) : ImageRequest.DEFAULT_CFG, 0, 100);
        long seedValue = JsonFields.integer(o, "seed", -1, -1, Long.MAX_VALUE, null);
        int topK = (int) JsonFields.integer(o, "top_k", ImageRequest.DEFAULT_TOP_K, 0, Integer.MAX_VALUE, null);
        float temperature = (float) JsonFields.number(o, "temperature", 1, 0, 10);
        float topP = (float) JsonFields.number(o, "top_p", 1, Double.MIN_VALUE, 1);
        boolean stream = JsonFields.bool(o, "stream", false);
        int partials = (int) JsonFields.integer(o, "partial_images", -1, 0, 1024, null);
        int every = (int) JsonFields.integer(o, "preview_every_rows", -1, 0, 1 << 20, null);
        if (every < 0) every = partials < 0 ? Math.max(1, grid.rows() / 16) : partials == 0 ? 0 : Math.max(1, grid.rows() / (partials + 1));
        int promptTokens = Math.max(m.imagePromptTokens(prompt, ratio), negative == null ? 0 : m.imagePromptTokens(negative, ratio));
        if (promptTokens > limits.maxPromptTokens()) {
            throw ApiError.limit(400, "prompt", "max_prompt_tokens", "prompt of " + promptTokens + " tokens is over " + limits.maxPromptTokens());
        }
        if (promptTokens + grid.generatedTokens() > m.contextLength()) {
            throw new ApiError(400, "invalid_request_error", "prompt", "context_length_exceeded", "prompt of " + promptTokens + " tokens plus "
                    + grid.generatedTokens() + " image tokens exceeds the model's context of " + m.contextLength() + " tokens");
        }
        ImageRequest r = new ImageRequest(prompt, negative, cfg, seedValue < 0 ? null : seedValue, Math.min(topK, m.codebookSize()), topP, temperature, ratio, n);
        return new Parsed(r, "url".equals(format), stream, every, grid.rows());
    }

    void run(Exchange x, Emu3Model m, Parsed p) throws Exception {
        long deadline = System.nanoTime() + server.config().timeout().toNanos();
        if (!p.stream()) {
            CompletableFuture<List<GeneratedImage>> f = server.queue().submit(() -> m.generateImages(p.request(), ImageListener.NONE, x.cancel), x.cancel);
            List<GeneratedImage> images = Jobs.await(f, x, deadline);
            List<Object> data = new ArrayList<>();
            for (GeneratedImage g : images) data.add(item(g, p.url()));
            x.json(200, Map.of("created", System.currentTimeMillis() / 1000, "data", data));
            return;
        }
        stream(x, m, p, deadline);
    }

    private static Map<String, Object> item(GeneratedImage g, boolean url) {
        Map<String, Object> d = new LinkedHashMap<>();
        String b64 = Base64.getEncoder().encodeToString(g.png());
        if (url) {
            d.put("url", "data:image/png;base64," + b64);
        } else {
            d.put("b64_json", b64);
        }
        d.put("revised_prompt", g.parameters().get("prompt"));
        d.put("seed", g.seed());
        d.put("parameters", g.parameters());
        return d;
    }

    private record Event(String type, Map<String, Object> data, RgbImage preview, GeneratedImage done) {}

    private static final Event END = new Event("end", null, null, null);

    private void stream(Exchange x, Emu3Model m, Parsed p, long deadline) throws Exception {
        BlockingQueue<Event> events = new LinkedBlockingQueue<>();
        ImageListener listener = new ImageListener() {
            @Override
            public int previewEveryRows() {
                return p.previewEvery();
            }

            @Override
            public void started(int index, int rows, int cols, long seed) {
                events.add(new Event("image_generation.started", Map.of("image_index", index, "rows", rows, "cols", cols, "seed", seed), null, null));
            }

            @Override
            public void row(int index, int y, int[] codes) {
                events.add(new Event("image_generation.progress", Map.of("image_index", index, "rows_done", y + 1, "rows", p.rows()), null, null));
            }

            @Override
            public void preview(int index, int rowsDone, int rows, RgbImage partial) {
                events.add(new Event("image_generation.partial_image", Map.of("image_index", index, "rows_done", rowsDone, "rows", rows), partial, null));
            }

            @Override
            public void finished(int index, GeneratedImage image) {
                events.add(new Event("image_generation.completed", Map.of("image_index", index), null, image));
            }
        };
        CompletableFuture<List<GeneratedImage>> f = server.queue().submit(() -> m.generateImages(p.request(), listener, x.cancel), x.cancel);
        f.whenComplete((r, t) -> events.add(END));
        int partialIndex = 0;
        try (Exchange.Sse sse = x.sse()) {
            while (true) {
                Event e = events.poll(5, TimeUnit.SECONDS);
                if (System.nanoTime() > deadline) {
                    x.cancel.cancel();
                    sse.event("error", Emu4jServer.errorBody(ApiError.unavailable("timeout", "the request ran past the server's time limit and was stopped (server limit timeout)")));
                    return;
                }
                if (e == null) {
                    sse.comment(server.queue().waiting() > 0 ? "queued" : "working");   // keeps proxies open and notices a gone client
                    continue;
                }
                if (e == END) break;
                Map<String, Object> data = new LinkedHashMap<>();
                data.put("type", e.type());
                data.putAll(e.data());
                if (e.preview() != null) {
                    data.put("partial_image_index", partialIndex++);
                    data.put("b64_json", Base64.getEncoder().encodeToString(MediaFiles.pngBytes(e.preview(), Map.of())));
                }
                if (e.done() != null) data.putAll(item(e.done(), false));
                sse.event(e.type(), data);
            }
            try {
                f.join();
            } catch (java.util.concurrent.CompletionException ce) {
                Exception c = Jobs.toClient(ce.getCause());
                ApiError err = c instanceof ApiError a ? a : new ApiError(500, "server_error", null, "internal_error", "internal server error");
                if (!(c instanceof ApiError)) Emu4jServer.LOG.log(java.util.logging.Level.SEVERE, "image stream failed", ce.getCause());
                sse.event("error", Emu4jServer.errorBody(err));
            }
            sse.done();
        } catch (IOException gone) {
            x.gone();   // the client closed the stream: stop generating
        }
    }
}
