package ai.emu4j.cli;

import ai.emu4j.server.LoadTest;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code emu4j bench serve}: load-tests a running {@code emu4j serve} from this (second) process. */
@Command(name = "serve", mixinStandardHelpOptions = true, description = "Load-test a running emu4j server: N clients for a fixed time.")
final class BenchServeCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--url", defaultValue = "http://127.0.0.1:8080", description = "Server base URL; default ${DEFAULT-VALUE}.")
    String url;

    @Option(names = "--api-key", paramLabel = "KEY", description = "Bearer key, if the server wants one.")
    String apiKey;

    @Option(names = "--clients", defaultValue = "16", description = "Concurrent clients; default ${DEFAULT-VALUE}.")
    int clients;

    @Option(names = "--seconds", defaultValue = "60", description = "How long to send; default ${DEFAULT-VALUE}.")
    int seconds;

    @Option(names = "--kind", defaultValue = "image", description = "image (POST /v1/images/generations), stream (the same, streamed as SSE) or chat; default ${DEFAULT-VALUE}.")
    String kind;

    @Override
    public Integer call() throws Exception {
        CommandLine cmd = spec.commandLine();
        if (clients < 1 || clients > 10000) throw new CommandLine.ParameterException(cmd, "--clients must be in 1..10000");
        if (seconds < 1 || seconds > 86400) throw new CommandLine.ParameterException(cmd, "--seconds must be in 1..86400");
        if (!java.util.List.of("image", "stream", "chat").contains(kind)) throw new CommandLine.ParameterException(cmd, "--kind must be image, stream or chat");
        LoadTest.Options o = new LoadTest.Options(url.replaceAll("/+$", ""), apiKey, clients, Duration.ofSeconds(seconds), kind, Duration.ofMinutes(10));
        LoadTest.Result r = LoadTest.run(o, cmd.getErr());
        cmd.getOut().print(LoadTest.report(o, r));
        cmd.getOut().flush();
        boolean healthy = r.other5xx() == 0 && r.ioErrors() == 0 && r.healthFailures() == 0;
        return healthy ? Main.EXIT_OK : Main.EXIT_ERROR;
    }
}
