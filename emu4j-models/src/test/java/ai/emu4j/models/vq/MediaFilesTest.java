package ai.emu4j.models.vq;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MediaFilesTest {
    private static RgbImage solid(int w, int h, int r, int g, int b) {
        byte[] px = new byte[w * h * 3];
        for (int i = 0; i < w * h; i++) {
            px[i * 3] = (byte) r;
            px[i * 3 + 1] = (byte) g;
            px[i * 3 + 2] = (byte) b;
        }
        return new RgbImage(w, h, px);
    }

    @Test
    void gifFramesRoundTrip(@TempDir Path dir) throws IOException {
        List<RgbImage> frames = new ArrayList<>();
        int[][] colours = {{255, 0, 0}, {0, 255, 0}, {0, 0, 255}, {255, 255, 255}, {0, 0, 0}};
        for (int[] c : colours) frames.add(solid(8, 6, c[0], c[1], c[2]));
        Path gif = dir.resolve("clip.gif");
        MediaFiles.writeGif(frames, 12, gif);
        List<RgbImage> back = MediaFiles.readFrames(gif);
        assertEquals(5, back.size());
        for (int i = 0; i < 5; i++) {
            assertEquals(8, back.get(i).width());
            assertEquals(6, back.get(i).height());
            for (int c = 0; c < 3; c++) assertTrue(Math.abs(back.get(i).get(3, 2, c) - colours[i][c]) <= 8, "frame " + i + " channel " + c);
        }
        assertEquals(1, MediaFiles.readFrames(writePng(dir)).size(), "a still picture is a one-frame clip");
    }

    private static Path writePng(Path dir) throws IOException {
        Path p = dir.resolve("still.png");
        VQImages.writePng(solid(4, 4, 1, 2, 3), p);
        return p;
    }

    @Test
    void pngTextChunksRoundTripInAnyScript(@TempDir Path dir) throws IOException {
        Map<String, String> text = new LinkedHashMap<>();
        text.put("prompt", "a cat on a mat, 4k");
        text.put("negative_prompt", "日本語 😀");
        text.put("seed", "42");
        Path png = dir.resolve("out.png");
        MediaFiles.writePng(solid(5, 3, 10, 20, 30), text, png);
        assertEquals(text, MediaFiles.readPngText(png));
        assertEquals(20, VQImages.read(png).get(0, 0, 1));
    }

    @Test
    void failedWritesLeaveNothing(@TempDir Path dir) throws IOException {
        Path target = dir.resolve("x.png");
        assertThrows(IOException.class, () -> MediaFiles.atomically(target, tmp -> {
            Files.writeString(tmp, "half");
            throw new IOException("disk full");
        }));
        assertFalse(Files.exists(target));
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(0, s.count());
        }
        assertThrows(IOException.class, () -> MediaFiles.writeGif(List.of(solid(2, 2, 0, 0, 0)), 10, dir.resolve("missing/x.gif")));
        Path notImage = Files.writeString(dir.resolve("bad.gif"), "GIF89a but not really");
        assertThrows(IOException.class, () -> MediaFiles.readFrames(notImage));
    }
}
