package ai.emu4j.train.lm;

import ai.emu4j.models.emu3.Emu3Bundle;
import ai.emu4j.models.emu3.EncodedVisual;
import ai.emu4j.models.vq.Emu3VisionVQ;
import ai.emu4j.models.vq.MediaFiles;
import ai.emu4j.models.vq.RgbImage;
import ai.emu4j.models.vq.VQImageProcessor;
import ai.emu4j.models.vq.VQImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TokenCacheTest {
    private static final long AREA = 256;

    /**
     * Batched encoding must give each picture, view and clip the codes of one encoder call of its own, in
     * manifest order with the views after their picture, across size changes (which split batches) and
     * clips between pictures; progress counts every item up to the total.
     */
    @Test
    void batchedCodesEqualOneCallPerPictureAndProgressCountsEveryItem(@TempDir Path dir) throws IOException {
        TinySetup.Paths p = TinySetup.write(dir);
        List<Manifest.Entry> entries = new ArrayList<>(Manifest.read(p.data()).entries());
        Random r = new Random(3);
        for (int i = 0; i < 5; i++) {   // pictures of another size, some between the clips and the first ones
            Path f = dir.resolve("wide" + i + ".png");
            BufferedImage img = new BufferedImage(24, 12, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < 12; y++) for (int x = 0; x < 24; x++) img.setRGB(x, y, r.nextInt(1 << 24));
            ImageIO.write(img, "png", f.toFile());
            entries.add(i * 3, new Manifest.Entry("wide" + i, f, false, "a wide picture", "train", "wide", Map.of()));
        }
        List<long[]> calls = new ArrayList<>();
        List<String> log = new ArrayList<>();
        try (Emu3VisionVQ vq = Emu3VisionVQ.load(p.vq())) {
            VQImageProcessor pre = Emu3Bundle.imageProcessor(p.vq(), vq.config(), AREA);
            Path cache = dir.resolve("codes.tokens.json");
            Map<String, EncodedVisual> codes = TokenCache.load(cache, entries, e -> e.video() ? 0 : 2, 9, p.vq(), vq, pre, AREA, log::add,
                    (done, total) -> calls.add(new long[] {done, total}));

            List<String> order = new ArrayList<>();
            for (Manifest.Entry e : entries) {
                order.add(PictureViews.key(e.id(), 0));
                if (e.video()) {
                    List<RgbImage> frames = MediaFiles.readFrames(e.file());
                    int tdf = vq.config().temporal_downsample_factor();
                    assertSame(Emu3Bundle.encodeVideo(vq, pre, frames.subList(0, frames.size() / tdf * tdf)), codes.get(e.id()), e.id());
                    continue;
                }
                RgbImage picture = VQImages.read(e.file());
                assertSame(Emu3Bundle.encodeImage(vq, pre, picture), codes.get(e.id()), e.id());
                for (int k = 1; k <= 2; k++) {
                    String id = PictureViews.key(e.id(), k);
                    order.add(id);
                    assertSame(Emu3Bundle.encodeImage(vq, pre, PictureViews.view(picture, 9, e.id(), k)), codes.get(id), id);
                }
            }
            assertEquals(order, new ArrayList<>(codes.keySet()), "manifest order, views after their picture");
            assertEquals(codes.size(), calls.size(), "one progress call per item");
            for (int i = 0; i < calls.size(); i++) assertArrayEquals(new long[] {i + 1, codes.size()}, calls.get(i));

            calls.clear();
            Map<String, EncodedVisual> again = TokenCache.load(cache, entries, e -> e.video() ? 0 : 2, 9, p.vq(), vq, pre, AREA, log::add,
                    (done, total) -> calls.add(new long[] {done, total}));
            assertTrue(log.get(log.size() - 1).startsWith("read VQ codes"), log.toString());
            assertTrue(calls.isEmpty(), "nothing encoded the second time");
            assertEquals(codes.keySet(), again.keySet());
            for (String id : codes.keySet()) assertSame(codes.get(id), again.get(id), id);
        }
    }

    private static void assertSame(EncodedVisual expected, EncodedVisual actual, String id) {
        assertArrayEquals(expected.codes(), actual.codes(), id + " codes");
        assertEquals(expected.grid(), actual.grid(), id + " grid");
        assertEquals(expected.frames(), actual.frames(), id + " frames");
        assertEquals(expected.video(), actual.video(), id + " video");
    }
}
