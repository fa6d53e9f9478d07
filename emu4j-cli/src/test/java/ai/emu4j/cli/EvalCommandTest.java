package ai.emu4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.emu4j.data.Manifest;
import ai.emu4j.data.ManifestEntry;
import ai.emu4j.eval.EvalFixtures;
import ai.emu4j.models.emu3.Emu3Processor;
import ai.emu4j.models.vq.RandomVQ;
import ai.emu4j.models.vq.VQConfig;
import ai.emu4j.train.lm.SyntheticShapes;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** emu4j eval and emu4j plot through Main, on a model trained here for 2 steps on the tiny mix. */
class EvalCommandTest {
    record Run(int exit, String out, String err) {}

    private static Run main(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int exit = Main.run(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), args);
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void evalsATinyModelEndToEndAndPlotsItsLog(@TempDir Path dir) throws Exception {
        Path mix = EvalFixtures.writeMix(dir), vq = dir.resolve("vq"), tok = dir.resolve("tokenizer.json"), model = dir.resolve("lm");
        List<String> texts = new ArrayList<>(Manifest.read(mix).stream().map(ManifestEntry::caption).toList());
        texts.add(Emu3Processor.DEFAULT_CHAT_TEMPLATE);
        texts.add(CaptionCommand.DEFAULT_QUESTION);
        VQConfig c = new VQConfig(32, new int[] {1, 1, 1}, 1, new int[] {}, 16, 4, 4, false, 3, 3, 1, 0.0);
        RandomVQ.write(c, vq, 3);
        SyntheticShapes.writeTokenizer(tok, texts, 60, c.codebook_size());
        Run train = main("train", "lm", "--data", mix.toString(), "--tokenizer", tok.toString(), "--vq", vq.toString(), "-o", model.toString(),
                "--hidden", "32", "--layers", "1", "--heads", "2", "--kv-heads", "1", "--ffn", "64", "--context", "512", "--image-area", "256",
                "--batch", "2", "--steps", "2", "--warmup", "1", "--checkpoint-every", "2");
        assertEquals(0, train.exit(), train.err());

        Path json = dir.resolve("eval.json"), md = dir.resolve("eval.md");
        Run eval = main("eval", "--model", model.toString(), "--data", mix.toString(), "--limit", "2", "--candidates", "3", "--seed", "7",
                "--json", json.toString(), "--markdown", md.toString());
        assertEquals(0, eval.exit(), eval.err());
        for (String task : List.of("tokenizer", "text->image shapes", "text->image emoji", "image->text emoji", "video extension sprites", "determinism")) {
            assertTrue(eval.out().contains(task), task + " in " + eval.out());
        }
        assertTrue(eval.out().contains("same seed, same image") && eval.out().contains("wall time:"), eval.out());
        assertTrue(eval.err().contains("items"), "progress on stderr: " + eval.err());
        JsonNode report = new ObjectMapper().readTree(json.toFile());
        assertEquals(7, report.get("settings").get("seed").asInt());
        assertEquals(1, report.get("settings").get("caption_beams").asInt(), "no generation_config.json: greedy");
        assertTrue(eval.out().contains("top-1 (greedy caption)"), eval.out());
        assertTrue(report.get("rows").size() >= 15, report.toString());
        assertTrue(Files.readString(md).startsWith("| task | metric |"));

        Path png = dir.resolve("curve.png");
        Run plot = main("plot", model.resolveSibling("lm.log.csv").toString(), "-o", png.toString(), "--log");
        assertEquals(0, plot.exit(), plot.err());
        assertEquals(900, javax.imageio.ImageIO.read(png.toFile()).getWidth());
        Run bad = main("plot", model.resolveSibling("lm.log.csv").toString(), "-o", png.toString(), "--columns", "nope");
        assertEquals(Main.EXIT_USAGE, bad.exit());
        assertTrue(bad.err().contains("no column 'nope'"), bad.err());
        assertEquals(Main.EXIT_USAGE, main("eval", "--model", model.toString(), "--data", mix.toString(), "--candidates", "1").exit());
    }
}
