package ai.emu4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.emu4j.api.RandomModels;
import ai.emu4j.server.Emu4jServer;
import ai.emu4j.server.ServerConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code emu4j serve} refuses bad settings before binding; {@code emu4j bench serve} drives a running server. */
class ServeCommandTest {
    record Result(int code, String out, String err) {}

    private static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int code = Main.run(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), args);
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void badSettingsAreUsageErrors(@TempDir Path dir) {
        Result port = run("serve", "--port", "70000", "--model", dir.toString());
        assertEquals(Main.EXIT_USAGE, port.code(), port.err());
        assertTrue(port.err().contains("port"), port.err());
        Result both = run("serve", "--model", dir.toString(), "--random-model", dir.resolve("r").toString());
        assertEquals(Main.EXIT_USAGE, both.code(), both.err());
        Result limit = run("serve", "--model", dir.toString(), "--max-n", "0");
        assertEquals(Main.EXIT_USAGE, limit.code(), limit.err());
        assertEquals(Main.EXIT_USAGE, run("bench", "serve", "--clients", "0").code());
        assertEquals(Main.EXIT_USAGE, run("bench", "serve", "--kind", "video").code());
    }

    @Test
    void benchServeReportsThroughputLatencyAndRejections(@TempDir Path dir) throws Exception {
        Path model = RandomModels.write(dir.resolve("m"), RandomModels.Size.TINY, 1);
        try (Emu4jServer server = new Emu4jServer(ServerConfig.defaults(model).withPort(0).withQueueCapacity(1)).start()) {
            assertTrue(server.awaitModel());
            Result r = run("bench", "serve", "--url", "http://127.0.0.1:" + server.port(), "--clients", "4", "--seconds", "2", "--kind", "chat");
            assertEquals(Main.EXIT_OK, r.code(), r.out() + r.err());
            assertTrue(r.out().contains("accepted and completed:") && r.out().contains("p50") && r.out().contains("x 429"), r.out());
            assertTrue(r.out().contains("0 x 5xx"), r.out());
        }
    }
}
