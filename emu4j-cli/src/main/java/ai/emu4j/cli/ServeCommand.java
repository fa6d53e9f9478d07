package ai.emu4j.cli;

import ai.emu4j.api.RandomModels;
import ai.emu4j.server.Emu4jServer;
import ai.emu4j.server.Limits;
import ai.emu4j.server.ServerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code emu4j serve}: the OpenAI-compatible server and web page; see docs/SERVER.md. */
@Command(name = "serve", mixinStandardHelpOptions = true, description = "Serve the model over an OpenAI-compatible HTTP API with a web page at /.")
public final class ServeCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to bind; default ${DEFAULT-VALUE} (this machine only). 0.0.0.0 exposes the server: set --api-key.")
    String host;

    @Option(names = "--port", defaultValue = "8080", description = "TCP port; default ${DEFAULT-VALUE}, 0 = any free port.")
    int port;

    @Option(names = "--api-key", paramLabel = "KEY", description = "Require Authorization: Bearer KEY on every route but /health (default: $EMU4J_API_KEY if set).")
    String apiKey;

    @Option(names = "--model", paramLabel = "DIR", description = "Model folder; default models/emu4j-demo in the emu4j folder.")
    Path model;

    @Option(names = "--vq", paramLabel = "DIR", description = "Vision tokenizer folder; default DIR/vision_tokenizer.")
    Path vq;

    @Option(names = "--random-model", paramLabel = "DIR", description = "Serve a random-weight model written to DIR (created when missing): for trying the server and load tests without a trained model.")
    Path randomModel;

    @Option(names = "--allow-host", paramLabel = "NAME", description = "Also accept this Host header (repeatable; * accepts any). localhost, 127.0.0.1, [::1] and the bound address always pass.")
    List<String> allowHosts = new ArrayList<>();

    @Option(names = "--cors-origin", paramLabel = "ORIGIN", description = "Let pages from this origin (scheme://host:port) call the API (repeatable). None by default.")
    List<String> corsOrigins = new ArrayList<>();

    @Option(names = "--queue", defaultValue = "8", description = "Requests that may wait for the model; more get 429. Default ${DEFAULT-VALUE}.")
    int queue;

    @Option(names = "--timeout", defaultValue = "600", paramLabel = "SECONDS", description = "Wall-clock limit of one request, waiting included. Default ${DEFAULT-VALUE}.")
    long timeoutSeconds;

    @Option(names = "--max-body-bytes", description = "Default ${DEFAULT-VALUE}.")
    long maxBodyBytes = Limits.DEFAULT.maxBodyBytes();

    @Option(names = "--max-image-pixels", description = "Pixels an uploaded image's header may announce. Default ${DEFAULT-VALUE}.")
    long maxImagePixels = Limits.DEFAULT.maxImagePixels();

    @Option(names = "--max-frames", description = "Frames of an animated upload. Default ${DEFAULT-VALUE}.")
    int maxFrames = Limits.DEFAULT.maxFrames();

    @Option(names = "--max-images", description = "Images in one chat request. Default ${DEFAULT-VALUE}.")
    int maxImages = Limits.DEFAULT.maxImages();

    @Option(names = "--max-prompt-tokens", description = "Default ${DEFAULT-VALUE}.")
    int maxPromptTokens = Limits.DEFAULT.maxPromptTokens();

    @Option(names = "--max-n", description = "Images per generation request. Default ${DEFAULT-VALUE}.")
    int maxN = Limits.DEFAULT.maxN();

    @Option(names = "--max-tokens", description = "Generated answer tokens. Default ${DEFAULT-VALUE}.")
    int maxTokens = Limits.DEFAULT.maxTokens();

    @Option(names = "--max-image-tokens", description = "Generated tokens of one image. Default ${DEFAULT-VALUE}.")
    int maxImageTokens = Limits.DEFAULT.maxImageTokens();

    @Override
    public Integer call() throws Exception {
        CommandLine cmd = spec.commandLine();
        Path dir = model;
        if (randomModel != null) {
            if (model != null) throw new CommandLine.ParameterException(cmd, "give --model or --random-model, not both");
            if (!Files.isDirectory(randomModel)) RandomModels.write(randomModel, RandomModels.Size.SMALL, 1);
            dir = randomModel;
        }
        if (dir == null) {
            dir = ModelOptions.demoFolder();
            if (!Files.isDirectory(dir)) throw new CommandLine.ParameterException(cmd, "no --model given and the bundled demo model " + dir + " does not exist; pass --model DIR");
        }
        String key = apiKey != null ? apiKey : System.getenv("EMU4J_API_KEY");
        Limits limits;
        ServerConfig config;
        try {
            limits = new Limits(maxBodyBytes, maxImagePixels, maxFrames, maxImages, maxPromptTokens, maxN, maxTokens, maxImageTokens, Limits.DEFAULT.maxMessages());
            config = new ServerConfig(host, port, key, dir, vq, allowHosts, corsOrigins, queue, Duration.ofSeconds(timeoutSeconds), limits);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cmd, e.getMessage());
        }
        try (Emu4jServer server = new Emu4jServer(config).start()) {
            String shown = host.contains(":") ? "[" + host + "]" : host;
            cmd.getErr().println("emu4j: serving " + dir + " on http://" + shown + ":" + server.port() + "/ (model loading; /health turns 200 when ready)"
                    + (key == null ? "" : "; API key required"));
            if (key == null && !host.equals("127.0.0.1") && !host.equals("localhost") && !host.equals("::1")) {
                cmd.getErr().println("emu4j: warning: listening on " + host + " without --api-key: anyone who can reach this port can use the model");
            }
            cmd.getErr().flush();
            server.join();
        }
        return Main.EXIT_OK;
    }
}
