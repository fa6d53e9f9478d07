package ai.emu4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.emu4j.models.emu3.Decoding;
import ai.emu4j.models.emu3.Emu3Processor;
import ai.emu4j.models.vq.MediaFiles;
import ai.emu4j.models.vq.RandomVQ;
import ai.emu4j.models.vq.VQConfig;
import ai.emu4j.models.vq.VQImages;
import ai.emu4j.train.lm.SyntheticShapes;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The Emu3 commands end to end on a model trained here by {@code train lm} (a few steps on synthetic
 * 16 x 16 shapes, a random 16-code VQ, a small BPE), run through picocli with Main's error handling.
 */
class Emu3CommandsTest {
    record Run(int exit, String out, String err) {}

    @TempDir
    static Path shared;
    static Path model;

    private static Run run(Object command, String... args) {
        CommandLine cmd = new CommandLine(command);
        StringWriter out = new StringWriter(), err = new StringWriter();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        cmd.setParameterExceptionHandler((ex, a) -> {
            cmd.getErr().println("emu4j: error: " + ex.getMessage());
            return Main.EXIT_USAGE;
        });
        cmd.setExecutionExceptionHandler((ex, c, parsed) -> {
            c.getErr().println("emu4j: error: " + Main.message(ex));
            return Main.exitCode(ex);
        });
        int exit = cmd.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @BeforeAll
    static void trainTinyModel() throws IOException {
        Path data = shared.resolve("data"), vq = shared.resolve("vq"), tok = shared.resolve("tokenizer.json");
        List<String> texts = new ArrayList<>(SyntheticShapes.write(data, 10, 2, 16, 7));
        texts.add(Emu3Processor.DEFAULT_CHAT_TEMPLATE);
        texts.add(CaptionCommand.DEFAULT_QUESTION);
        VQConfig c = new VQConfig(32, new int[] {1, 1, 1}, 1, new int[] {}, 16, 4, 4, false, 3, 3, 4, 0.0);
        RandomVQ.write(c, vq, 3);
        SyntheticShapes.writeTokenizer(tok, texts, 120, c.codebook_size());
        model = shared.resolve("models/tiny");
        Run r = run(new TrainCommand(), "lm", "--data", data.toString(), "--tokenizer", tok.toString(), "--vq", vq.toString(), "-o", model.toString(),
                "--hidden", "32", "--layers", "2", "--heads", "2", "--kv-heads", "1", "--ffn", "64", "--context", "192", "--image-area", "256",
                "--batch", "4", "--steps", "6", "--warmup", "1", "--lr", "3e-3", "--checkpoint-every", "3");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("finished at step 6; validation loss "), r.out());
        assertTrue(r.err().contains("tok/s") && r.err().contains("vision") && r.err().contains("val "), r.err());
        assertTrue(Files.isRegularFile(model.resolve("vision_tokenizer/model.safetensors")));
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(target);
                else Files.copy(p, target);
            }
        }
    }

    private static List<String> leftovers(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.contains(".tmp")).toList();
        }
    }

    @Test
    void generateWritesNumberedPngsWithParametersAndIsReproducible(@TempDir Path dir) throws IOException {
        Run r = run(new GenerateCommand(), "-p", "a red disc on white", "-o", dir.resolve("out.png").toString(), "--seed", "5", "-n", "2",
                "--model", model.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("seed: 5") && r.out().contains("cfg_scale: 3.0") && r.out().contains("grid: 4x4"), r.out());
        assertTrue(r.err().contains("rows"), "progress bar over rows: " + r.err());
        Map<String, String> text = MediaFiles.readPngText(dir.resolve("out-2.png"));
        assertEquals("6", text.get("seed"));
        assertEquals("a red disc on white", text.get("prompt"));
        assertEquals("1:1", text.get("ratio"));
        assertEquals(16, VQImages.read(dir.resolve("out-1.png")).width());

        Run again = run(new GenerateCommand(), "-p", "a red disc on white", "-o", dir.resolve("again-%02d.png").toString(), "--seed", "5",
                "-n", "1", "--model", model.toString());
        assertEquals(0, again.exit(), again.err());
        assertArrayEquals(VQImages.read(dir.resolve("out-1.png")).rgb(), VQImages.read(dir.resolve("again-01.png")).rgb());

        Run random = run(new GenerateCommand(), "-p", "日本 disc", "-o", dir.resolve("r.png").toString(), "--model", model.toString(), "--ratio", "2:1");
        assertEquals(0, random.exit(), random.err());
        assertTrue(random.out().matches("(?s).*seed: \\d+.*"), random.out());
        assertEquals("日本 disc", MediaFiles.readPngText(dir.resolve("r.png")).get("prompt"));
        assertEquals(List.of(), leftovers(dir));
    }

    @Test
    void badInputsAreOneLineErrorsAndWriteNothing(@TempDir Path dir) throws IOException {
        String out = dir.resolve("out.png").toString(), m = model.toString();
        Run ratio = run(new GenerateCommand(), "-p", "x", "-o", out, "--ratio", "0:1", "--model", m);
        assertEquals(Main.EXIT_USAGE, ratio.exit());
        assertTrue(ratio.err().contains("--ratio") && ratio.err().strip().lines().count() == 1, ratio.err());
        assertEquals(Main.EXIT_USAGE, run(new GenerateCommand(), "-p", "x", "-o", out, "-n", "-3", "--model", m).exit());
        assertEquals(Main.EXIT_USAGE, run(new GenerateCommand(), "-p", "x", "-o", out, "-n", "100000000", "--model", m).exit());
        assertEquals(Main.EXIT_USAGE, run(new GenerateCommand(), "-p", "x", "-o", out, "--top-p", "0", "--model", m).exit());
        assertEquals(Main.EXIT_USAGE, run(new CaptionCommand(), "x.png", "--temperature", "-1", "--model", m).exit());
        Run noFolder = run(new GenerateCommand(), "-p", "x", "-o", dir.resolve("missing/out.png").toString(), "--model", m);
        assertEquals(Main.EXIT_USAGE, noFolder.exit());
        assertTrue(noFolder.err().contains("does not exist"), noFolder.err());
        Run absurd = run(new GenerateCommand(), "-p", "x", "-o", out, "--ratio", "1000:1", "--model", m);
        assertEquals(Main.EXIT_USAGE, absurd.exit(), absurd.err());

        Run longPrompt = run(new GenerateCommand(), "-p", "red ".repeat(300), "-o", out, "--model", m);
        assertEquals(Main.EXIT_ERROR, longPrompt.exit());
        assertTrue(longPrompt.err().contains("exceeds the model's context of 192 tokens") && longPrompt.err().matches("(?s).*prompt of \\d+ tokens.*"), longPrompt.err());

        Path bad = Files.createDirectory(dir.resolve("bad-model"));
        try (Stream<Path> files = Files.list(model)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) Files.copy(f, bad.resolve(f.getFileName()));
        }
        String config = Files.readString(bad.resolve("config.json"));
        Files.writeString(bad.resolve("config.json"), config.replaceFirst("\\{", "{\"eol_token\": \"<|nope|>\", "));
        Run special = run(new GenerateCommand(), "-p", "x", "-o", out, "--model", bad.toString(), "--vq", model.resolve("vision_tokenizer").toString());
        assertEquals(Main.EXIT_ERROR, special.exit());
        assertTrue(special.err().contains("<|nope|>"), special.err());

        Path notImage = Files.writeString(dir.resolve("not.png"), "hello");
        Run caption = run(new CaptionCommand(), notImage.toString(), "--model", m);
        assertEquals(Main.EXIT_ERROR, caption.exit());
        assertTrue(caption.err().startsWith("emu4j: error: ") && caption.err().contains("not.png"), caption.err());

        String home = System.getProperty(ModelOptions.HOME_PROPERTY);
        System.setProperty(ModelOptions.HOME_PROPERTY, dir.toString());
        try {
            Run noDemo = run(new GenerateCommand(), "-p", "x", "-o", out);
            assertEquals(Main.EXIT_ERROR, noDemo.exit());
            assertTrue(noDemo.err().contains("demo model") && noDemo.err().contains("--model"), noDemo.err());
        } finally {
            if (home == null) System.clearProperty(ModelOptions.HOME_PROPERTY);
            else System.setProperty(ModelOptions.HOME_PROPERTY, home);
        }
        assertFalse(Files.exists(dir.resolve("out.png")));
        assertEquals(List.of(), leftovers(dir));
    }

    @Test
    void captionAndChatStreamAnswers(@TempDir Path dir) throws IOException {
        Path img = shared.resolve("data/img0.png");
        Run a = run(new CaptionCommand(), img.toString(), "--model", model.toString(), "--max-tokens", "8");
        assertEquals(0, a.exit(), a.err());
        assertTrue(a.out().endsWith(System.lineSeparator()));
        Run b = run(new CaptionCommand(), img.toString(), "--model", model.toString(), "--max-tokens", "8");
        assertEquals(a.out(), b.out(), "greedy by default");

        Run beams = run(new CaptionCommand(), img.toString(), "--model", model.toString(), "--max-tokens", "8", "--beams", "3");
        assertEquals(0, beams.exit(), beams.err());
        // A folder whose generation_config.json asks for 3 beams answers as --beams 3 does.
        Path withConfig = dir.resolve("beamy");
        copyTree(model, withConfig);
        Files.writeString(withConfig.resolve(Decoding.FILE), "{\"num_beams\": 3}");
        Run configured = run(new CaptionCommand(), img.toString(), "--model", withConfig.toString(), "--max-tokens", "8");
        assertEquals(beams.out(), configured.out());
        Run sampled = run(new CaptionCommand(), img.toString(), "--model", model.toString(), "--beams", "2", "--temperature", "0.7");
        assertEquals(Main.EXIT_USAGE, sampled.exit());
        assertTrue(sampled.err().contains("--beams") && sampled.err().contains("temperature"), sampled.err());
        Run tooMany = run(new CaptionCommand(), img.toString(), "--model", model.toString(), "--beams", "65");
        assertEquals(Main.EXIT_USAGE, tooMany.exit(), tooMany.err());

        String turns = CaptionCommand.DEFAULT_QUESTION + "\n\n/text\nhello\n/quit\nnever read\n";
        Run chat = run(new ChatCommand(new ByteArrayInputStream(turns.getBytes(StandardCharsets.UTF_8))), "--image", img.toString(),
                "--model", model.toString(), "--max-tokens", "8");
        assertEquals(0, chat.exit(), chat.err());
        assertEquals(2, chat.out().split(System.lineSeparator(), -1).length - 1, "two answers: " + chat.out());
        assertTrue(chat.out().startsWith(a.out()), "the first turn is the caption: " + chat.out());
    }

    @Test
    void videoGenerateAndExtend(@TempDir Path dir) throws IOException {
        Path clip = dir.resolve("clip.gif"), longer = dir.resolve("longer.gif");
        Run g = run(new VideoCommand(), "generate", "-p", "a red square moving right", "-o", clip.toString(), "--seed", "1", "--model", model.toString());
        assertEquals(0, g.exit(), g.err());
        assertEquals(4, MediaFiles.readFrames(clip).size(), "one latent frame is 4 pictures");
        Run e = run(new VideoCommand(), "extend", clip.toString(), "-o", longer.toString(), "--frames", "2", "--seed", "1", "--model", model.toString());
        assertEquals(0, e.exit(), e.err());
        assertEquals(12, MediaFiles.readFrames(longer).size());
        Run zero = run(new VideoCommand(), "generate", "-p", "x", "-o", clip.toString(), "--frames", "0", "--model", model.toString());
        assertEquals(Main.EXIT_USAGE, zero.exit());
    }

    @Test
    void trainRejectsBadOptionsAsUsageErrors() {
        Run r = run(new TrainCommand(), "lm", "--data", "d", "--tokenizer", "t", "--vq", "v", "-o", "o", "--tasks", "everything");
        assertEquals(Main.EXIT_USAGE, r.exit());
        assertTrue(r.err().contains("tasks"), r.err());
        Run late = run(new TrainCommand(), "lm", "--data", "d", "--tokenizer", "t", "--vq", "v", "-o", "o", "--steps", "6", "--warmup", "1", "--stop-at", "6");
        assertEquals(Main.EXIT_USAGE, late.exit());
        assertTrue(late.err().contains("--stop-at"), late.err());
        Run names = run(new TrainCommand(), "lm", "--data", "d", "--tokenizer", "t", "--vq", "v", "-o", "o", "--summary-names", "name");
        assertEquals(Main.EXIT_USAGE, names.exit());
        assertTrue(names.err().contains("--summary-names needs --visual-summary"), names.err());
        Run batch = run(new TrainCommand(), "lm", "--data", "d", "--tokenizer", "t", "--vq", "v", "-o", "o", "--visual-summary",
                "--summary-names", "name", "--summary-names-batch", "0");
        assertEquals(Main.EXIT_USAGE, batch.exit());
        assertTrue(batch.err().contains("summary name batch"), batch.err());
    }

    @Test
    void stopAtCutsARunShortAndResumeFinishesIt(@TempDir Path dir) throws IOException {
        String[] common = {"lm", "--data", shared.resolve("data").toString(), "--tokenizer", shared.resolve("tokenizer.json").toString(),
                "--vq", shared.resolve("vq").toString(), "-o", dir.resolve("m").toString(), "--hidden", "32", "--layers", "2", "--heads", "2",
                "--kv-heads", "1", "--ffn", "64", "--context", "192", "--image-area", "256", "--batch", "4", "--steps", "6", "--warmup", "1",
                "--lr", "3e-3", "--checkpoint-every", "3"};
        Run cut = run(new TrainCommand(), concat(common, "--stop-at", "2"));
        assertEquals(0, cut.exit(), cut.err());
        assertTrue(cut.out().startsWith("stopped at step 2;"), cut.out());
        assertTrue(Files.isRegularFile(dir.resolve("m/model.safetensors")), "the model folder of step 2");
        Run rest = run(new TrainCommand(), concat(common, "--resume"));
        assertEquals(0, rest.exit(), rest.err());
        assertTrue(rest.out().startsWith("finished at step 6;"), rest.out());
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
