package ai.emu4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.emu4j.core.util.Rng;
import ai.emu4j.models.vq.Emu3VQTrainable;
import ai.emu4j.models.vq.RgbImage;
import ai.emu4j.models.vq.VQConfig;
import ai.emu4j.models.vq.VQImages;
import ai.emu4j.models.vq.VQVideos;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The tokenizer commands through Main's own entry point and error handling. */
class TokenizerCommandTest {
    static final VQConfig TINY = new VQConfig(32, new int[] {1, 1, 1, 1}, 1, new int[] {3}, 64, 4, 4, false, 3, 3, 4, 0.0);
    static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path dir;
    static Path model, image;

    record Run(int exit, String out, String err) {}

    static Run run(String... args) {
        var out = new java.io.ByteArrayOutputStream();
        var err = new java.io.ByteArrayOutputStream();
        int exit = Main.run(new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8),
                new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8), args);
        return new Run(exit, out.toString(java.nio.charset.StandardCharsets.UTF_8), err.toString(java.nio.charset.StandardCharsets.UTF_8));
    }

    @BeforeAll
    static void setUp() throws IOException {
        model = dir.resolve("tiny");
        new Emu3VQTrainable(TINY, new Rng(3)).saveFolder(model, 32);
        image = dir.resolve("in.png");
        VQImages.writePng(pattern(0, 40, 32), image);
    }

    static RgbImage pattern(int phase, int w, int h) {
        byte[] px = new byte[w * h * 3];
        for (int i = 0; i < w * h; i++) {
            px[i * 3] = (byte) ((i % w) * 6 + phase * 30);
            px[i * 3 + 1] = (byte) ((i / w) * 7);
            px[i * 3 + 2] = (byte) (phase * 50);
        }
        return new RgbImage(w, h, px);
    }

    static List<RgbImage> frames(int n) {
        List<RgbImage> f = new ArrayList<>();
        for (int i = 0; i < n; i++) f.add(pattern(i, 16, 16));
        return f;
    }

    /** One error line, non-zero exit, nothing at the output path. */
    static void fails(Path out, String expect, String... args) {
        Run r = run(args);
        assertNotEquals(0, r.exit(), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().startsWith("emu4j: error: "), r.err());
        assertTrue(r.err().contains(expect), r.err());
        assertFalse(Files.exists(out), out + " was written");
        try (var s = Files.list(out.toAbsolutePath().getParent())) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().contains(".tmp-")), "temporary left behind");
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
    }

    @Test
    void imageEncodeDecodeReconstruct() throws IOException {
        Path codes = dir.resolve("img.json");
        Run enc = run("tokenizer", "encode", image.toString(), "--model", model.toString(), "-o", codes.toString());
        assertEquals(0, enc.exit(), enc.err());
        JsonNode j = JSON.readTree(codes.toFile());
        assertEquals("[1,3,4]", j.get("grid").toString());   // 40x32 at the model's 32*32 pixel area: 32x24
        assertEquals(12, j.get("codes").size());
        assertEquals("[32,40]", j.get("input_size").toString());
        assertEquals("[24,32]", j.get("model_size").toString());

        Path png = dir.resolve("dec.png");
        Run dec = run("tokenizer", "decode", codes.toString(), "--model", model.toString(), "-o", png.toString());
        assertEquals(0, dec.exit(), dec.err());
        RgbImage back = VQImages.read(png);
        assertEquals(24, back.height());

        Path rec = dir.resolve("rec.png");
        assertEquals(0, run("tokenizer", "reconstruct", image.toString(), "--model", model.toString(), "-o", rec.toString()).exit());
        assertTrue(java.util.Arrays.equals(back.rgb(), VQImages.read(rec).rgb()), "decode(encode(x)) == reconstruct(x)");
    }

    @Test
    void videoAsGifAndFrameFolder() throws IOException {
        Path gif = dir.resolve("clip.gif");
        VQVideos.writeGif(frames(5), gif, 10);
        Path codes = dir.resolve("clip.json");
        assertEquals(0, run("tokenizer", "encode", gif.toString(), "--model", model.toString(), "-o", codes.toString()).exit());
        JsonNode j = JSON.readTree(codes.toFile());
        assertEquals("[2,4,4]", j.get("grid").toString());  // 5 frames padded to 8 -> 2 latent frames; 16x16 up to the 32x32 model area
        assertEquals(5, j.get("frames").asInt());

        Path outGif = dir.resolve("clip-dec.gif");
        assertEquals(0, run("tokenizer", "decode", codes.toString(), "--model", model.toString(), "-o", outGif.toString()).exit());
        assertEquals(5, VQVideos.readGif(outGif, 100, 1 << 20).size());

        Path folder = dir.resolve("frames-in");
        VQVideos.writeFrames(frames(4), folder);
        Path outFolder = dir.resolve("frames-out");
        Run r = run("tokenizer", "reconstruct", folder.toString(), "--model", model.toString(), "-o", outFolder.toString());
        assertEquals(0, r.exit(), r.err());
        assertEquals(4, VQVideos.readFrames(outFolder, 100, 1 << 20).size());
    }

    @Test
    void evalPrintsTableAndJson() throws IOException {
        Path data = dir.resolve("evaldata/sub");
        Files.createDirectories(data);
        VQImages.writePng(pattern(1, 32, 32), data.resolve("a.png"));
        VQImages.writePng(pattern(2, 32, 32), data.resolve("b.png"));
        Run table = run("tokenizer", "eval", "--data", dir.resolve("evaldata").toString(), "--model", model.toString());
        assertEquals(0, table.exit(), table.err());
        assertTrue(table.out().contains("psnr_db") && table.out().contains("perplexity"), table.out());
        Run json = run("tokenizer", "eval", "--data", dir.resolve("evaldata").toString(), "--model", model.toString(), "--json");
        JsonNode j = JSON.readTree(json.out());
        assertEquals(2, j.get("images").asInt());
        assertTrue(j.get("ssim").asDouble() <= 1 && j.get("usage").asDouble() > 0, json.out());
        assertEquals(64, j.get("codebook_size").asInt());
    }

    @Test
    void badImagesAreOneLineErrorsAndWriteNothing() throws IOException {
        Path out = dir.resolve("bad-out.json");
        Path text = dir.resolve("notes.png");
        Files.writeString(text, "this is not an image");
        fails(out, "not an image", "tokenizer", "encode", text.toString(), "--model", model.toString(), "-o", out.toString());

        byte[] full = Files.readAllBytes(image);
        Path truncated = dir.resolve("trunc.png");
        Files.write(truncated, java.util.Arrays.copyOf(full, full.length / 2));
        fails(out, "trunc.png", "tokenizer", "encode", truncated.toString(), "--model", model.toString(), "-o", out.toString());

        Path bomb = dir.resolve("bomb.png");
        Files.write(bomb, pngHeader(30000, 30000));
        fails(out, "refused before decoding", "tokenizer", "encode", bomb.toString(), "--model", model.toString(), "-o", out.toString());

        Path longGif = dir.resolve("long.gif");
        List<RgbImage> many = new ArrayList<>();
        for (int i = 0; i < 2000; i++) many.add(new RgbImage(2, 2, new byte[] {(byte) i, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}));
        VQVideos.writeGif(many, longGif, 1);
        Path outGif = dir.resolve("bad-out.gif");
        fails(outGif, "frame budget", "tokenizer", "reconstruct", longGif.toString(), "--model", model.toString(), "-o", outGif.toString());
    }

    @Test
    void badCodesAreOneLineErrorsAndWriteNothing() throws IOException {
        Path out = dir.resolve("bad-dec.png");
        Path outside = dir.resolve("outside.json");
        Files.writeString(outside, "{\"grid\":[1,2,2],\"codes\":[0,1,64,3]}");
        fails(out, "outside the codebook", "tokenizer", "decode", outside.toString(), "--model", model.toString(), "-o", out.toString());
        Path mismatch = dir.resolve("mismatch.json");
        Files.writeString(mismatch, "{\"grid\":[1,2,3],\"codes\":[0,1,2,3]}");
        fails(out, "holds 6 codes", "tokenizer", "decode", mismatch.toString(), "--model", model.toString(), "-o", out.toString());
        Path garbage = dir.resolve("garbage.json");
        Files.writeString(garbage, "{\"grid\":");
        fails(out, "not valid JSON", "tokenizer", "decode", garbage.toString(), "--model", model.toString(), "-o", out.toString());
    }

    @Test
    void trainWritesALoadableModelAndResumes() throws IOException {
        Path data = dir.resolve("traindata");
        Files.createDirectories(data);
        for (int i = 0; i < 3; i++) VQImages.writePng(pattern(i, 32, 32), data.resolve(i + ".png"));
        Path val = dir.resolve("valdata");
        Files.createDirectories(val);
        VQImages.writePng(pattern(5, 48, 40), val.resolve("v.png"));
        Path out = dir.resolve("trained");
        String[] args = {"tokenizer", "train", "--data", data.toString(), "--model", out.toString(), "--size", "32", "--batch", "2",
                "--ch", "32", "--ch-mult", "1,1,1,1", "--codebook", "64", "--embed-dim", "4", "--checkpoint-every", "2",
                "--val-data", val.toString(), "--steps", "2"};
        Run r = run(args);
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.err().contains("img/s") && r.err().contains("usage"), r.err());
        assertTrue(Files.isRegularFile(dir.resolve("trained-checkpoints/step-00000002/recon.png")));
        args[args.length - 1] = "3";
        String[] resume = java.util.Arrays.copyOf(args, args.length + 1);
        resume[args.length] = "--resume";
        assertEquals(0, run(resume).exit());
        assertTrue(Files.isRegularFile(dir.resolve("trained-checkpoints/step-00000003/train.safetensors")));
        assertEquals(0, run("tokenizer", "reconstruct", image.toString(), "--model", out.toString(), "-o", dir.resolve("t.png").toString()).exit());
    }

    @Test
    void benchRunsWithoutPeerOnATinyConfig() {
        CommandLine cmd = new CommandLine(new BenchTokenizerCommand());
        int exit = cmd.execute("--ch", "32", "--ch-mult", "1,1,1,1", "--res-blocks", "1", "--codebook", "64", "--size", "16",
                "--batch", "2", "--iters", "1", "--no-peer");
        assertEquals(0, exit);
    }

    /** A PNG signature and IHDR announcing w x h, then IEND: no pixel data at all. */
    static byte[] pngHeader(int w, int h) {
        ByteBuffer b = ByteBuffer.allocate(8 + 25 + 12);
        b.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        chunk(b, "IHDR", ByteBuffer.allocate(13).putInt(w).putInt(h).put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0).array());
        chunk(b, "IEND", new byte[0]);
        return b.array();
    }

    private static void chunk(ByteBuffer b, String type, byte[] data) {
        b.putInt(data.length);
        byte[] t = type.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        b.put(t).put(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        b.putInt((int) crc.getValue());
    }
}
