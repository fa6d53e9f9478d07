package ai.emu4j.data.mix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.emu4j.data.DataException;
import ai.emu4j.data.Manifest;
import ai.emu4j.data.ManifestEntry;
import ai.emu4j.data.Split;
import ai.emu4j.data.shapes.ShapesDataset;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetMixTest {
    /** A one-image dataset whose PNG is fully transparent black except one opaque red pixel. */
    private static Path transparentSet(Path dir) throws IOException {
        Files.createDirectories(dir.resolve("img"));
        BufferedImage img = new BufferedImage(4, 4, BufferedImage.TYPE_INT_ARGB);
        img.setRGB(1, 2, 0xFFFF0000);
        javax.imageio.ImageIO.write(img, "png", dir.resolve("img/a.png").toFile());
        Manifest.write(dir, List.of(new ManifestEntry("glyph-a", "img/a.png", ManifestEntry.IMAGE, "a red dot", Split.TEST, Map.of("attributes", Map.of("k", 1)))));
        return dir;
    }

    @Test
    void mergesFoldersKeepingSplitsAndFlattensAlpha(@TempDir Path dir) throws IOException {
        Path shapes = dir.resolve("shapes");
        ShapesDataset.generate(shapes, 3, 12);
        Path glyphs = transparentSet(dir.resolve("glyphs"));
        String digest = DatasetMix.write(List.of(shapes, glyphs), dir.resolve("mix"));

        List<ManifestEntry> in = Manifest.read(shapes), out = Manifest.read(dir.resolve("mix"));
        assertEquals(13, out.size());
        for (int i = 0; i < in.size(); i++) {
            assertEquals(in.get(i).id(), out.get(i).id());
            assertEquals("shapes/" + in.get(i).file(), out.get(i).file());
            assertEquals(in.get(i).split(), out.get(i).split());
            assertEquals(in.get(i).caption(), out.get(i).caption());
            assertEquals("shapes", out.get(i).extra().get("source"));
        }
        ManifestEntry last = out.getLast();
        assertEquals("glyphs/img/a.png", last.file());
        assertEquals(Map.of("k", 1), last.attributes());
        BufferedImage flat = javax.imageio.ImageIO.read(dir.resolve("mix").resolve(last.file()).toFile());
        assertEquals(0xFFFFFF, flat.getRGB(0, 0) & 0xFFFFFF, "transparent pixels become white");
        assertEquals(0xFF0000, flat.getRGB(1, 2) & 0xFFFFFF);
        assertTrue(!flat.getColorModel().hasAlpha());

        assertEquals(digest, DatasetMix.write(List.of(shapes, glyphs), dir.resolve("again")), "same inputs, same bytes");
    }

    @Test
    void attributeFilterKeepsOtherSourcesAndRefusesUnknownValues(@TempDir Path dir) throws IOException {
        Path shapes = dir.resolve("shapes");
        ShapesDataset.generate(shapes, 3, 12);
        Path glyphs = transparentSet(dir.resolve("glyphs"));
        DatasetMix.write(List.of(shapes, glyphs), dir.resolve("mix"), Map.of("k", Set.of("1")));
        assertEquals(13, Manifest.read(dir.resolve("mix")).size(), "shapes lack k and stay; the glyph's k=1 matches");

        DatasetMix.write(List.of(shapes, glyphs), dir.resolve("mix2"), Map.of("k", Set.of("1"), "held_out_pair", Set.of("true")));
        List<ManifestEntry> held = Manifest.read(dir.resolve("mix2"));
        assertTrue(held.size() < 13 && held.size() > 1, "some scenes are held-out pairs: " + held.size());
        for (ManifestEntry e : held) assertTrue(e.id().equals("glyph-a") || e.attributes().get("held_out_pair").equals(true), e.id());

        DataException unknown = assertThrows(DataException.class,
                () -> DatasetMix.write(List.of(shapes, glyphs), dir.resolve("mix3"), Map.of("objects", Set.of("x"))));
        assertTrue(unknown.getMessage().contains("no entry has attribute objects"), "arrays are not values: " + unknown.getMessage());
        assertThrows(DataException.class, () -> DatasetMix.write(List.of(shapes), dir.resolve("mix4"), Map.of("k", Set.of())));
    }

    @Test
    void refusesCollidingNamesIdsAndEscapingFiles(@TempDir Path dir) throws IOException {
        Path a = transparentSet(dir.resolve("a/glyphs")), b = transparentSet(dir.resolve("b/glyphs"));
        DataException sameName = assertThrows(DataException.class, () -> DatasetMix.write(List.of(a, b), dir.resolve("m1")));
        assertTrue(sameName.getMessage().contains("named glyphs"), sameName.getMessage());

        Path c = transparentSet(dir.resolve("other"));
        DataException sameId = assertThrows(DataException.class, () -> DatasetMix.write(List.of(a, c), dir.resolve("m2")));
        assertTrue(sameId.getMessage().contains("glyph-a"), sameId.getMessage());

        Path evil = dir.resolve("evil");
        Files.createDirectories(evil);
        Files.writeString(dir.resolve("secret.png"), "x");
        Manifest.write(evil, List.of(new ManifestEntry("e", "../secret.png", ManifestEntry.IMAGE, "c", Split.TRAIN, Map.of())));
        DataException outside = assertThrows(DataException.class, () -> DatasetMix.write(List.of(evil), dir.resolve("m3")));
        assertTrue(outside.getMessage().contains("outside the folder"), outside.getMessage());
        assertThrows(DataException.class, () -> DatasetMix.write(List.of(), dir.resolve("m4")));
    }
}
