package ai.emu4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.emu4j.models.tokenizer.TextTokenizers;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Runs the commands through picocli as Main does, with an exception handler that prints only the message. */
class TextTokenizerCommandTest {
    record Run(int exit, String out, String err) {}

    private static Run run(String stdin, String... args) {
        CommandLine cmd = new CommandLine(new TextTokenizerCommand(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8))));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        cmd.setExecutionExceptionHandler((ex, c, parsed) -> {
            c.getErr().println("error: " + ex.getMessage());
            return 1;
        });
        int exit = cmd.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    private static Path train(Path dir, String... extra) throws IOException {
        Path text = dir.resolve("corpus.txt");
        Files.writeString(text, "the cat sat on the mat. the cat ate the rat. 12345 日本語 😀\n".repeat(20));
        Path out = dir.resolve("tok.json");
        List<String> args = new java.util.ArrayList<>(List.of("train", "--input", text.toString(), "--vocab-size", "300",
                "-o", out.toString(), "--special", "<|endoftext|>"));
        args.addAll(List.of(extra));
        Run r = run("", args.toArray(String[]::new));
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.err().contains("wrote " + out), r.err());
        assertEquals("", r.out());
        return out;
    }

    @Test
    void trainEncodeDecodeRoundTrip(@TempDir Path dir) throws IOException {
        Path tok = train(dir);
        String text = "the cat<|endoftext|>日本 😀\n";
        Run enc = run(text, "encode", "--tokenizer", tok.toString());
        assertEquals(0, enc.exit(), enc.err());
        int[] expected = TextTokenizers.load(tok).encode(text);
        assertEquals(java.util.Arrays.toString(expected) + System.lineSeparator(), enc.out());
        Run dec = run(enc.out(), "decode", "-t", tok.toString());
        assertEquals(0, dec.exit(), dec.err());
        assertEquals(text, dec.out());
    }

    @Test
    void folderWithTokenizerJsonAndQwenPattern(@TempDir Path dir) throws IOException {
        Path tok = train(dir, "--pattern", "qwen");
        Path folder = Files.createDirectory(dir.resolve("model"));
        Files.copy(tok, folder.resolve("tokenizer.json"));
        Run enc = run("2024", "encode", "--tokenizer", folder.toString());
        assertEquals(0, enc.exit(), enc.err());
        assertEquals(4, enc.out().split(",").length, enc.out());
    }

    @Test
    void trainWritesAtomicallyAndDeterministically(@TempDir Path dir) throws IOException {
        Path tok = train(dir);
        String first = Files.readString(tok);
        train(dir);
        assertEquals(first, Files.readString(tok));
        try (var files = Files.list(dir)) {
            assertFalse(files.anyMatch(p -> p.getFileName().toString().endsWith(".tmp")));
        }
    }

    @Test
    void errorsAreOneLineWithoutStackTraces(@TempDir Path dir) throws IOException {
        Run missing = run("x", "encode", "--tokenizer", dir.resolve("nope.json").toString());
        assertNotEquals(0, missing.exit());
        assertTrue(missing.err().contains("does not exist"), missing.err());
        assertFalse(missing.err().contains("\tat "), missing.err());

        Path badJson = dir.resolve("bad.json");
        Files.writeString(badJson, "{\"model\": {\"type\": \"BPE\", \"vocab\": {}, \"merges\": []}, \"pre_tokenizer\": {\"type\": \"ByteLevel\"}}");
        Run noMerges = run("x", "encode", "--tokenizer", badJson.toString());
        assertNotEquals(0, noMerges.exit());
        assertTrue(noMerges.err().contains("no merges"), noMerges.err());

        Path tok = train(dir);
        Run badIds = run("[1, \"two\"]", "decode", "--tokenizer", tok.toString());
        assertEquals(1, badIds.exit());
        assertEquals("error: stdin: element 1 (\"two\") is not a token id", badIds.err().strip());
        Run unknownId = run("[999999]", "decode", "--tokenizer", tok.toString());
        assertEquals(1, unknownId.exit());
        assertTrue(unknownId.err().contains("999999"), unknownId.err());

        Run badPattern = run("", "train", "--input", tok.toString(), "--vocab-size", "300", "-o", dir.resolve("o.json").toString(), "--pattern", "bert");
        assertNotEquals(0, badPattern.exit());
        assertTrue(badPattern.err().contains("--pattern must be gpt2 or qwen"), badPattern.err());

        Run smallVocab = run("", "train", "--input", tok.toString(), "--vocab-size", "10", "-o", dir.resolve("o.json").toString());
        assertNotEquals(0, smallVocab.exit());
        assertTrue(smallVocab.err().contains("below 256 byte tokens"), smallVocab.err());
        assertFalse(Files.exists(dir.resolve("o.json")));

        Run noSub = run("");
        assertNotEquals(0, noSub.exit());
        assertTrue(noSub.err().contains("missing subcommand"), noSub.err());
    }

    /** An Emu3 folder with a toy rank file (the 256 bytes and one merge): special and visual tokens are single ids. */
    @Test
    void emu3FolderThroughTheCli(@TempDir Path dir) throws IOException {
        StringBuilder ranks = new StringBuilder();
        for (int b = 0; b < 256; b++) ranks.append(java.util.Base64.getEncoder().encodeToString(new byte[] {(byte) b})).append(' ').append(b).append('\n');
        ranks.append(java.util.Base64.getEncoder().encodeToString("hi".getBytes(StandardCharsets.US_ASCII))).append(" 256\n");
        Files.writeString(dir.resolve("emu3.tiktoken"), ranks);
        Run enc = run("hi<|image start|><|visual token 000007|><|image end|>", "encode", "--tokenizer", dir.toString());
        assertEquals(0, enc.exit(), enc.err());
        assertEquals("[256, 151852, 151861, 151853]", enc.out().strip());
        Run dec = run(enc.out(), "decode", "--tokenizer", dir.resolve("emu3.tiktoken").toString());
        assertEquals("hi<|image start|><|visual token 000007|><|image end|>", dec.out());
    }

    @Test
    void encodeOfEmptyInputIsAnEmptyArray(@TempDir Path dir) throws IOException {
        Path tok = train(dir);
        Run r = run("", "encode", "--tokenizer", tok.toString());
        assertEquals("[]", r.out().strip());
        assertArrayEquals(new int[0], TextTokenizerDecodeCommand.parseIds("[]"));
    }
}
