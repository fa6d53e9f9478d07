package ai.emu4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.emu4j.data.Manifest;
import ai.emu4j.data.ManifestEntry;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Runs data and judge through picocli with a one-line error handler, as Main does. */
class DataJudgeCommandTest {
    record Run(int exit, String out, String err) {}

    private static Run run(Object command, String... args) {
        CommandLine cmd = new CommandLine(command);
        StringWriter out = new StringWriter(), err = new StringWriter();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        cmd.setExecutionExceptionHandler((ex, c, parsed) -> {
            c.getErr().println("error: " + Main.message(ex));
            return Main.exitCode(ex);
        });
        return new Run(cmd.execute(args), out.toString(), err.toString());
    }

    private static JsonNode json(Run r) throws IOException {
        assertEquals(0, r.exit(), r.err());
        return new ObjectMapper().readTree(r.out());
    }

    @Test
    void shapesTwiceGiveTheSameDigestAndTheJudgeAgrees(@TempDir Path dir) throws IOException {
        Run a = run(new DataCommand(), "shapes", "-o", dir.resolve("a").toString(), "--seed", "5", "-n", "30");
        Run b = run(new DataCommand(), "shapes", "-o", dir.resolve("b").toString(), "--seed", "5", "-n", "30");
        assertEquals(0, a.exit(), a.err());
        assertTrue(a.out().startsWith("shapes: 30 items (train "), a.out());
        String digest = a.out().strip().substring(a.out().strip().lastIndexOf(' ') + 1);
        assertEquals(digest, b.out().strip().substring(b.out().strip().lastIndexOf(' ') + 1));
        assertEquals(64, digest.length());

        ManifestEntry first = Manifest.read(dir.resolve("a")).getFirst();
        Path img = dir.resolve("a").resolve(first.file());
        JsonNode ok = json(run(new JudgeCommand(), "shapes", img.toString(), "--caption", first.caption()));
        assertTrue(ok.get("correct").asBoolean(), ok.toString());
        assertEquals(first.attributes().get("count"), ok.get("detected").size());
        JsonNode wrong = json(run(new JudgeCommand(), "shapes", img.toString(), "-c", "three large purple squares"));
        assertFalse(wrong.get("correct").asBoolean(), wrong.toString());

        JsonNode nn = json(run(new JudgeCommand(), "emoji", img.toString(), "--dataset", dir.resolve("a").toString(), "--expected", first.id(), "-k", "3"));
        assertEquals(first.id(), nn.get("top").get(0).get("id").asText());
        assertEquals(3, nn.get("top").size());
        assertEquals(1, nn.get("rank").asInt());
        assertTrue(nn.get("hit").asBoolean());
        Run byCaption = run(new JudgeCommand(), "emoji", img.toString(), "-d", dir.resolve("a").toString(), "--caption", "no such caption");
        assertEquals(Main.EXIT_USAGE, byCaption.exit());
        assertTrue(byCaption.err().contains("--caption is not a caption of"), byCaption.err());
    }

    @Test
    void mixKeepsOnlyTheListedAttributeValues(@TempDir Path dir) throws IOException {
        Path shapes = dir.resolve("shapes");
        assertEquals(0, run(new DataCommand(), "shapes", "-o", shapes.toString(), "--seed", "3", "-n", "40").exit());
        Run mix = run(new DataCommand(), "mix", "-o", dir.resolve("mix").toString(), shapes.toString(), "--only", "count=1", "--only", "count=3");
        assertEquals(0, mix.exit(), mix.err());
        List<ManifestEntry> in = Manifest.read(shapes), out = Manifest.read(dir.resolve("mix"));
        List<String> expected = in.stream().filter(e -> !e.attributes().get("count").equals(2)).map(ManifestEntry::id).toList();
        assertEquals(expected, out.stream().map(ManifestEntry::id).toList());
        assertTrue(expected.size() < in.size() && !expected.isEmpty(), "the seed gives scenes of every count");

        Run typo = run(new DataCommand(), "mix", "-o", dir.resolve("m2").toString(), shapes.toString(), "--only", "count=7");
        assertEquals(Main.EXIT_ERROR, typo.exit());
        assertTrue(typo.err().startsWith("error: no entry has attribute count = \"7\"; values there: [1, 2, 3]"), typo.err());
        Run noValue = run(new DataCommand(), "mix", "-o", dir.resolve("m3").toString(), shapes.toString(), "--only", "count");
        assertEquals(Main.EXIT_USAGE, noValue.exit());
        assertTrue(noValue.err().contains("--only wants ATTR=VALUE"), noValue.err());
    }

    @Test
    void spritesAndTheirTracker(@TempDir Path dir) throws IOException {
        Run r = run(new DataCommand(), "sprites", "-o", dir.toString(), "-n", "8", "--seed", "2");
        assertEquals(0, r.exit(), r.err());
        List<ManifestEntry> m = Manifest.read(dir);
        for (ManifestEntry e : m) {
            JsonNode j = json(run(new JudgeCommand(), "sprites", dir.resolve(e.file()).toString(), "--caption", e.caption()));
            assertTrue(j.get("correct").asBoolean(), e.caption() + " " + j);
            assertEquals(8, j.get("frames").asInt());
        }
        Path clip = dir.resolve(m.getFirst().file());
        String other = m.getFirst().caption().endsWith("left") ? "right" : "left";
        assertFalse(json(run(new JudgeCommand(), "sprites", clip.toString(), "--expected", other)).get("correct").asBoolean());
        Run bad = run(new JudgeCommand(), "sprites", clip.toString(), "--expected", "sideways");
        assertEquals(Main.EXIT_USAGE, bad.exit());
    }

    @Test
    void errorsAreOneLine(@TempDir Path dir) throws IOException {
        Run noNpm = run(new DataCommand(), "emoji", "-o", dir.resolve("e").toString(), "--npm-cache", dir.resolve("cache").toString(),
                "--npm", dir.resolve("missing-npm").toString());
        assertEquals(Main.EXIT_ERROR, noNpm.exit());
        assertTrue(noNpm.err().startsWith("error: npm not found"), noNpm.err());
        assertEquals(1, noNpm.err().strip().lines().count(), noNpm.err());

        Files.createDirectories(dir.resolve("cache"));
        Files.writeString(dir.resolve("cache/emoji-datasource-google-16.0.0.tgz"), "truncated");
        Run corrupt = run(new DataCommand(), "emoji", "-o", dir.resolve("e").toString(), "--npm-cache", dir.resolve("cache").toString());
        assertTrue(corrupt.err().startsWith("error: corrupt tarball "), corrupt.err());
        assertEquals(1, corrupt.err().strip().lines().count(), corrupt.err());

        Run badCaption = run(new JudgeCommand(), "shapes", dir.resolve("cache/emoji-datasource-google-16.0.0.tgz").toString(), "-c", "a cat");
        assertTrue(badCaption.err().startsWith("error: not an image"), badCaption.err());
        Run zero = run(new DataCommand(), "shapes", "-o", dir.resolve("s").toString(), "-n", "0");
        assertEquals(Main.EXIT_USAGE, zero.exit());
        assertTrue(run(new DataCommand()).err().contains("missing subcommand"));
    }
}
