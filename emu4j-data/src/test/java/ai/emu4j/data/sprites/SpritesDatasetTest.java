package ai.emu4j.data.sprites;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.emu4j.data.Images;
import ai.emu4j.data.Manifest;
import ai.emu4j.data.ManifestEntry;
import ai.emu4j.data.Perturb;
import ai.emu4j.data.judge.MotionTracker;
import ai.emu4j.data.judge.Track;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpritesDatasetTest {
    @Test
    void sameSeedGivesIdenticalFiles(@TempDir Path dir) throws IOException {
        String a = SpritesDataset.generate(dir.resolve("a"), 3, 24, null);
        String b = SpritesDataset.generate(dir.resolve("b"), 3, 24, null);
        assertEquals(a, b);
        assertEquals(Files.readString(dir.resolve("a/manifest.jsonl")), Files.readString(dir.resolve("b/manifest.jsonl")));
    }

    @Test
    void trackerFindsTheStatedDirectionOfEveryClip(@TempDir Path dir) throws IOException {
        SpritesDataset.generate(dir, 9, 60, null);
        List<ManifestEntry> m = Manifest.read(dir);
        for (ManifestEntry e : m) {
            assertEquals(ManifestEntry.VIDEO, e.kind());
            List<BufferedImage> frames = Images.readFrames(dir.resolve(e.file()));
            assertEquals(SpritesDataset.FRAMES, frames.size());
            assertEquals(64, frames.getFirst().getWidth());
            Direction stated = Direction.ofCaption(e.caption());
            assertEquals(stated.word(), e.attributes().get("direction"));
            Track t = MotionTracker.track(frames);
            assertEquals(stated, t.direction(), e.caption());
            assertEquals(1.0, t.consistency(), e.caption());
            assertEquals(SpritesDataset.STEP, Math.hypot(t.vx(), t.vy()), 1e-9, e.caption());
        }
        assertTrue(m.stream().map(ManifestEntry::caption).anyMatch(c -> c.matches("a (red|orange|yellow|green|blue|purple) (circle|square|triangle) moving (left|right|up|down)")));
    }

    @Test
    void trackingIsRobustToNoiseAndBlur(@TempDir Path dir) throws IOException {
        SpritesDataset.generate(dir, 4, 40, null);
        long seed = 0;
        for (ManifestEntry e : Manifest.read(dir)) {
            List<BufferedImage> frames = Images.readFrames(dir.resolve(e.file()));
            List<BufferedImage> noisy = new java.util.ArrayList<>();
            for (BufferedImage f : frames) noisy.add(Perturb.noise(Perturb.blur(f), 10, seed++));
            assertEquals(Direction.ofCaption(e.caption()), MotionTracker.track(noisy).direction(), e.caption());
        }
    }

    @Test
    void whiteSpritesAreNotVisible() {
        assertEquals(0.0, SpritesDataset.visible(Images.rgb(32, 32, 0xF4F4F4)));
        assertEquals(1.0, SpritesDataset.visible(Images.rgb(32, 32, 0x808080)));
    }

    @Test
    void stillAndEmptyClips() {
        BufferedImage blank = Images.rgb(64, 64, Images.WHITE);
        Track empty = MotionTracker.track(List.of(blank, blank, blank));
        assertEquals(Direction.STILL, empty.direction());
        assertTrue(Double.isNaN(empty.cx()[0]));
        List<BufferedImage> still = SpritesDataset.frames(Images.rgb(10, 10, 0xFF0000), Direction.LEFT, 30).subList(3, 4);
        assertEquals(Direction.STILL, MotionTracker.track(List.of(still.getFirst(), still.getFirst())).direction());
    }
}
