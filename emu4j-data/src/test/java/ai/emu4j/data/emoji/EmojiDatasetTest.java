package ai.emu4j.data.emoji;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.emu4j.data.Images;
import ai.emu4j.data.Manifest;
import ai.emu4j.data.ManifestEntry;
import ai.emu4j.data.Perturb;
import ai.emu4j.data.Split;
import ai.emu4j.data.judge.EmojiHit;
import ai.emu4j.data.judge.EmojiIndex;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmojiDatasetTest {
    static Path build(Path dir, Path out) throws IOException {
        Map<EmojiStyle, Path> styles = new LinkedHashMap<>();
        styles.put(EmojiStyle.NOTO, FakeNpm.emojiDatasource(dir, "google"));
        styles.put(EmojiStyle.TWEMOJI, FakeNpm.emojiDatasource(dir, "twitter"));
        EmojiDataset.generate(out, styles, FakeNpm.emojilib(dir));
        return out;
    }

    @Test
    void fakePackagesGiveADeterministicDataset(@TempDir Path dir) throws IOException {
        Path a = build(dir, dir.resolve("a"));
        Path b = build(dir, dir.resolve("b"));
        assertEquals(Files.readString(a.resolve("SHA256SUMS")), Files.readString(b.resolve("SHA256SUMS")));
        List<ManifestEntry> m = Manifest.read(a);
        assertEquals(2 * FakeNpm.EMOJI.length - 1, m.size());
        ManifestEntry apple = m.stream().filter(e -> e.id().equals("emoji-twemoji-1f34e")).findFirst().orElseThrow();
        assertEquals("twemoji/1f34e.png", apple.file());
        assertEquals("red apple, a twemoji emoji (food & drink, food-fruit), :apple:; keywords: fruit, mac, school", apple.caption());
        ManifestEntry heart = m.stream().filter(e -> e.id().equals("emoji-noto-2764-fe0f")).findFirst().orElseThrow();
        assertEquals(List.of("love", "like"), heart.attributes().get("keywords"));
        assertEquals("2764-fe0f", heart.attributes().get("unified"));
        String licenses = Files.readString(a.resolve("LICENSES.md"));
        assertTrue(licenses.contains("Apache License 2.0") && licenses.contains("CC-BY 4.0") && licenses.contains("emojilib@4.0.3"), licenses);
        assertTrue(Files.isRegularFile(a.resolve("licenses/emojilib.LICENSE")));
        assertEquals(64, Images.readRgb(a.resolve(apple.file())).getWidth());
        for (ManifestEntry e : m) {
            if (e.split() == Split.TRAIN) continue;
            String other = e.attributes().get("style").equals("noto") ? "twemoji" : "noto";
            assertTrue(m.stream().anyMatch(t -> t.split() == Split.TRAIN && t.attributes().get("style").equals(other)
                    && t.attributes().get("unified").equals(e.attributes().get("unified"))), e.id());
        }
    }

    @Test
    void wrongPackageIsAClearError(@TempDir Path dir) throws IOException {
        Path lib = FakeNpm.emojilib(dir);
        var e = org.junit.jupiter.api.Assertions.assertThrows(ai.emu4j.data.DataException.class,
                () -> EmojiDataset.generate(dir.resolve("out"), Map.of(EmojiStyle.NOTO, lib), lib));
        assertTrue(e.getMessage().endsWith("has no emoji.json: not an emoji-datasource package"), e.getMessage());
    }

    @Test
    void heldOutPairsKeepTheOtherStyleInTrain() {
        List<EmojiStyle> order = List.of(EmojiStyle.NOTO, EmojiStyle.TWEMOJI);
        int test = 0, val = 0;
        for (int i = 0; i < 2000; i++) {
            String u = Integer.toHexString(0x1F000 + i);
            Split noto = EmojiDataset.split(u, EmojiStyle.NOTO, order), tw = EmojiDataset.split(u, EmojiStyle.TWEMOJI, order);
            assertTrue(noto == Split.TRAIN || tw == Split.TRAIN, u);
            if (noto == Split.TEST || tw == Split.TEST) test++;
            if (noto == Split.VAL || tw == Split.VAL) val++;
        }
        assertTrue(test > 150 && test < 250 && val > 150 && val < 250, test + " " + val);
    }

    @Test
    void retrievalFindsEachImageAsItsOwnTop1EvenWhenDegraded(@TempDir Path dir) throws IOException {
        Path ds = build(dir, dir.resolve("ds"));
        EmojiIndex index = EmojiIndex.build(ds);
        assertEquals(2 * FakeNpm.EMOJI.length - 1, index.size());
        long seed = 0;
        for (ManifestEntry e : Manifest.read(ds)) {
            var img = Images.readRgb(ds.resolve(e.file()));
            List<EmojiHit> clean = index.topK(img, 3);
            assertEquals(e.id(), clean.getFirst().id());
            assertEquals(0.0, clean.getFirst().distance());
            assertEquals(3, clean.size());
            assertTrue(clean.get(1).distance() >= clean.getFirst().distance());
            assertEquals(e.id(), index.topK(Perturb.noise(Perturb.blur(img), 12, seed++), 1).getFirst().id());
            assertEquals(1, index.rank(img, e.id()));
            assertEquals(1, index.rank(img, (String) e.attributes().get("unified")));
            assertEquals(e.attributes().get("unified"), index.unifiedOfCaption(e.caption()));
        }
        assertEquals(0, index.rank(Images.rgb(64, 64, Images.WHITE), "1f9ff"));
    }

    @Test
    void spritesUseEmojiFromTheDataset(@TempDir Path dir) throws IOException {
        Path ds = build(dir, dir.resolve("ds"));
        ai.emu4j.data.sprites.SpritesDataset.generate(dir.resolve("sp"), 1, 12, ds);
        for (ManifestEntry e : Manifest.read(dir.resolve("sp"))) {
            assertEquals("emoji", e.attributes().get("object"));
            assertTrue(e.caption().matches("a [a-z ]+ moving (left|right|up|down)"), e.caption());
            var track = ai.emu4j.data.judge.MotionTracker.track(Images.readFrames(dir.resolve("sp").resolve(e.file())));
            assertEquals(ai.emu4j.data.sprites.Direction.ofCaption(e.caption()), track.direction(), e.caption());
        }
    }
}
