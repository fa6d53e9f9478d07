package ai.emu4j.data.shapes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.emu4j.core.util.Rng;
import ai.emu4j.data.DataException;
import ai.emu4j.data.Manifest;
import ai.emu4j.data.ManifestEntry;
import ai.emu4j.data.Split;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShapesDatasetTest {
    @Test
    void sameSeedGivesIdenticalFiles(@TempDir Path dir) throws IOException {
        String a = ShapesDataset.generate(dir.resolve("a"), 7, 60);
        String b = ShapesDataset.generate(dir.resolve("b"), 7, 60);
        assertEquals(a, b);
        assertEquals(Files.readString(dir.resolve("a/SHA256SUMS")), Files.readString(dir.resolve("b/SHA256SUMS")));
        assertEquals(Files.readString(dir.resolve("a/manifest.jsonl")), Files.readString(dir.resolve("b/manifest.jsonl")));
        assertNotEquals(a, ShapesDataset.generate(dir.resolve("c"), 8, 60));
        ShapesDataset.generate(dir.resolve("d"), 7, 20);
        List<String> prefix = Files.readAllLines(dir.resolve("a/manifest.jsonl")).subList(0, 20);
        assertEquals(prefix, Files.readAllLines(dir.resolve("d/manifest.jsonl")), "a shorter run is a prefix of a longer one");
    }

    @Test
    void heldOutPairsOnlyInTest(@TempDir Path dir) throws IOException {
        ShapesDataset.generate(dir, 1, 300);
        List<ManifestEntry> m = Manifest.read(dir);
        assertEquals(300, m.size());
        Map<Split, Long> bySplit = m.stream().collect(java.util.stream.Collectors.groupingBy(ManifestEntry::split, java.util.stream.Collectors.counting()));
        assertTrue(bySplit.get(Split.TEST) > 30 && bySplit.get(Split.VAL) > 10 && bySplit.get(Split.TRAIN) > 150, bySplit.toString());
        for (ManifestEntry e : m) {
            boolean held = ShapesDataset.HELD_OUT.stream().anyMatch(e.caption()::contains)
                    || (Boolean) e.attributes().get("held_out_pair");
            assertEquals(held, e.split() == Split.TEST, e.caption());
            assertTrue(Files.isRegularFile(dir.resolve(e.file())));
        }
        String line = Files.readAllLines(dir.resolve("manifest.jsonl")).getFirst();
        assertTrue(line.startsWith("{\"id\":\"shapes-000000\",\"file\":\"images/000000.png\",\"kind\":\"image\",\"caption\":"), line);
    }

    @Test
    void captionsParseBackToTheScene() {
        Rng rng = new Rng(3);
        for (int i = 0; i < 500; i++) {
            Scene s = ShapesDataset.sample(rng);
            CaptionSpec spec = ShapeCaptions.parse(ShapeCaptions.caption(s));
            assertEquals(s.objects().size(), spec.count());
            assertEquals(s.relation(), spec.relation());
            for (int k = 0; k < spec.count(); k++) {
                SceneObject want = s.objects().get(k), got = spec.objects().get(k);
                assertEquals(want.color(), got.color());
                assertEquals(want.shape(), got.shape());
                assertEquals(want.size(), got.size());
                if (got.position() != null) assertEquals(want.position(), got.position());
                assertEquals(!s.counting() && s.objects().size() != 2, got.position() != null, ShapeCaptions.caption(s));
            }
        }
    }

    @Test
    void examplesOfTheGrammar() {
        Scene pair = new Scene(List.of(new SceneObject(ShapeColor.RED, ShapeKind.CIRCLE, ShapeSize.SMALL, Position.LEFT),
                new SceneObject(ShapeColor.BLUE, ShapeKind.SQUARE, ShapeSize.LARGE, Position.CENTER)));
        assertEquals("a small red circle to the left of a large blue square", ShapeCaptions.caption(pair));
        Scene three = new Scene(List.of(new SceneObject(ShapeColor.GREEN, ShapeKind.TRIANGLE, ShapeSize.LARGE, Position.TOP),
                new SceneObject(ShapeColor.GREEN, ShapeKind.TRIANGLE, ShapeSize.LARGE, Position.BOTTOM),
                new SceneObject(ShapeColor.GREEN, ShapeKind.TRIANGLE, ShapeSize.LARGE, Position.LEFT)));
        assertEquals("three large green triangles", ShapeCaptions.caption(three));
        CaptionSpec loose = ShapeCaptions.parse("A red circle to the LEFT of a blue square.");
        assertEquals(Relation.LEFT_OF, loose.relation());
        assertEquals(null, loose.objects().getFirst().size());
        DataException bad = assertThrows(DataException.class, () -> ShapeCaptions.parse("a pink hexagon"));
        assertTrue(bad.getMessage().contains("not a shapes caption"), bad.getMessage());
        assertFalse(bad.getMessage().contains("\n"));
    }
}
