package ai.emu4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.emu4j.core.io.SafeTensorsWriter;
import ai.emu4j.core.tensor.DType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {
    record Result(int code, String out, String err) {}

    @TempDir
    Path dir;
    Path model;

    static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int code = Main.run(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), args);
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @BeforeEach
    void writeModel() throws IOException {
        model = dir.resolve("tiny.safetensors");
        new SafeTensorsWriter().metadata("format", "pt")
                .addFloats("embed.weight", DType.F32, new long[] {40, 30}, new float[1200])
                .addFloats("norm", DType.BF16, new long[] {30}, new float[30])
                .add("ids", DType.I64, new long[] {}, new byte[8])
                .write(model);
    }

    private static void assertOneLineError(Result r, int code, String... parts) {
        assertEquals(code, r.code(), r.err());
        assertEquals("", r.out());
        assertTrue(r.err().startsWith("emu4j: error: "), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertFalse(r.err().contains("Exception") || r.err().contains("\tat "), r.err());
        for (String p : parts) assertTrue(r.err().contains(p), "'" + p + "' not in " + r.err());
    }

    @Test
    void infoPrintsEveryTensorAndTheTotal() {
        Result r = run("info", model.toString());
        assertEquals(0, r.code(), r.err());
        assertEquals("", r.err());
        assertTrue(r.out().matches("(?s)NAME +DTYPE +SHAPE +BYTES\n.*"), r.out());
        assertTrue(r.out().matches("(?s).*\nembed\\.weight +F32 +\\[40, 30\\] +4800\n.*"), r.out());
        assertTrue(r.out().matches("(?s).*\nnorm +BF16 +\\[30\\] +60\n.*"), r.out());
        assertTrue(r.out().matches("(?s).*\nids +I64 +\\[\\] +8\n.*"), r.out());
        assertTrue(r.out().contains("3 tensors, 1231 parameters (1.23K), 4868 bytes"), r.out());
        assertTrue(r.out().contains("metadata format = pt"), r.out());
    }

    @Test
    void infoJson() throws IOException {
        Result r = run("info", "--json", model.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode j = JsonMapper.builder().build().readTree(r.out());
        assertEquals(3, j.get("tensor_count").asInt());
        assertEquals(1231, j.get("parameter_count").asLong());
        assertEquals(4868, j.get("total_bytes").asLong());
        JsonNode first = j.get("tensors").get(0);
        assertEquals("ids", first.get("name").asText());
        assertEquals("I64", first.get("dtype").asText());
        assertEquals(0, first.get("shape").size());
        JsonNode embed = j.get("tensors").get(1);
        assertEquals("[40,30]", embed.get("shape").toString());
        assertEquals(4800, embed.get("bytes").asLong());
        assertFalse(embed.has("shard"));
        assertEquals("pt", j.get("metadata").get("format").asText());
    }

    @Test
    void infoShowsShardsOfAnIndexedFolder() throws IOException {
        Path folder = Files.createDirectory(dir.resolve("sharded"));
        new SafeTensorsWriter().add("a", DType.U8, new long[] {2}, new byte[2]).write(folder.resolve("m-1.safetensors"));
        new SafeTensorsWriter().add("b", DType.I32, new long[] {1}, new byte[4]).write(folder.resolve("m-2.safetensors"));
        Files.writeString(folder.resolve("model.safetensors.index.json"),
                "{\"metadata\":{\"total_size\":6},\"weight_map\":{\"a\":\"m-1.safetensors\",\"b\":\"m-2.safetensors\"}}");
        Result r = run("info", folder.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().matches("(?s).*\nb +I32 +\\[1\\] +4 +m-2\\.safetensors\n.*"), r.out());
        JsonNode j = JsonMapper.builder().build().readTree(run("info", "--json", folder.toString()).out());
        assertEquals("m-1.safetensors", j.get("tensors").get(0).get("shard").asText());
        assertEquals("6", j.get("metadata").get("total_size").asText());
    }

    @Test
    void malformedFilesExitWithCode3AndOneLine() throws IOException {
        Path bad = Files.write(dir.resolve("bad.safetensors"), new byte[] {1, 2, 3});
        assertOneLineError(run("info", bad.toString()), Main.EXIT_BAD_MODEL, "bad.safetensors", "3 bytes");
        byte[] ok = Files.readAllBytes(model);
        Files.write(bad, java.util.Arrays.copyOf(ok, ok.length - 1));
        assertOneLineError(run("info", "--json", bad.toString()), Main.EXIT_BAD_MODEL, "past the end of the file");
        Path folder = Files.createDirectory(dir.resolve("evil"));
        Files.writeString(folder.resolve("model.safetensors.index.json"), "{\"weight_map\":{\"a\":\"../tiny.safetensors\"}}");
        assertOneLineError(run("info", folder.toString()), Main.EXIT_BAD_MODEL, "'..'");
    }

    @Test
    void otherFailuresAndUsageErrors() {
        assertOneLineError(run("info", dir.resolve("missing").toString()), Main.EXIT_ERROR, "no such file or folder");
        assertOneLineError(run("info"), Main.EXIT_USAGE, "PATH");
        assertOneLineError(run("info", "--bogus", model.toString()), Main.EXIT_USAGE, "--bogus");
        assertOneLineError(run("frobnicate"), Main.EXIT_USAGE);
        assertOneLineError(run(), Main.EXIT_USAGE, "missing a command");
    }

    @Test
    void verboseShowsTheStackTraceWhereverTheFlagSits() throws IOException {
        Path bad = Files.write(dir.resolve("bad.safetensors"), new byte[] {1});
        for (String[] args : new String[][] {{"-v", "info", bad.toString()}, {"info", "--verbose", bad.toString()}}) {
            Result r = run(args);
            assertEquals(Main.EXIT_BAD_MODEL, r.code());
            assertTrue(r.err().startsWith("emu4j: error: bad.safetensors"), r.err());
            assertTrue(r.err().contains("SafeTensorsException") && r.err().contains("\tat "), r.err());
        }
    }

    @Test
    void versionAndHelp() {
        Result v = run("--version");
        assertEquals(0, v.code());
        assertEquals(Main.VERSION + "\n", v.out());
        Result h = run("--help");
        assertEquals(0, h.code());
        assertTrue(h.out().contains("info"), h.out());
        assertTrue(run("info", "--help").out().contains("--json"));
    }
}
