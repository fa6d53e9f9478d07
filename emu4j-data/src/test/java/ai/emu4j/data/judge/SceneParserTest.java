package ai.emu4j.data.judge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.emu4j.core.util.Rng;
import ai.emu4j.data.Images;
import ai.emu4j.data.Perturb;
import ai.emu4j.data.shapes.Position;
import ai.emu4j.data.shapes.Scene;
import ai.emu4j.data.shapes.SceneObject;
import ai.emu4j.data.shapes.ShapeCaptions;
import ai.emu4j.data.shapes.ShapeColor;
import ai.emu4j.data.shapes.ShapeKind;
import ai.emu4j.data.shapes.ShapeRenderer;
import ai.emu4j.data.shapes.ShapeSize;
import ai.emu4j.data.shapes.ShapesDataset;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SceneParserTest {
    private static final int SCENES = 200;

    /** Fraction of SCENES generated scenes whose every attribute the parser recovers exactly after the degradation. */
    private static double recovered(UnaryOperator<BufferedImage> degrade) {
        Rng rng = new Rng(11);
        int ok = 0;
        for (int i = 0; i < SCENES; i++) {
            Scene s = ShapesDataset.sample(rng);
            List<Blob> blobs = SceneParser.parse(degrade.apply(ShapeRenderer.render(s)));
            if (matches(s, blobs)) ok++;
        }
        return ok / (double) SCENES;
    }

    private static boolean matches(Scene s, List<Blob> blobs) {
        if (blobs.size() != s.objects().size()) return false;
        for (SceneObject o : s.objects()) {
            boolean found = blobs.stream().anyMatch(b -> b.color() == o.color() && b.shape() == o.shape() && b.size() == o.size() && b.position() == o.position());
            if (!found) return false;
        }
        return true;
    }

    @Test
    void recoversEveryAttributeOfCleanScenes() {
        assertEquals(1.0, recovered(UnaryOperator.identity()));
    }

    @Test
    void robustToNoiseAndBlur() {
        long[] seed = {0};
        double noisy = recovered(img -> Perturb.noise(img, 12, seed[0]++));
        double blurred = recovered(Perturb::blur);
        double both = recovered(img -> Perturb.noise(Perturb.blur(img), 12, seed[0]++));
        assertTrue(noisy >= 0.99, "noise " + noisy);
        assertTrue(blurred >= 0.99, "blur " + blurred);
        assertTrue(both >= 0.97, "blur+noise " + both);
    }

    @Test
    void judgeAcceptsTheTrueCaptionAndRejectsWrongOnes() {
        Rng rng = new Rng(5);
        for (int i = 0; i < SCENES; i++) {
            Scene s = ShapesDataset.sample(rng);
            ShapesScore score = ShapesJudge.score(ShapeRenderer.render(s), ShapeCaptions.caption(s));
            assertTrue(score.correct(), ShapeCaptions.caption(s) + " " + score);
        }
        SceneObject red = new SceneObject(ShapeColor.RED, ShapeKind.CIRCLE, ShapeSize.SMALL, Position.LEFT);
        SceneObject blue = new SceneObject(ShapeColor.BLUE, ShapeKind.SQUARE, ShapeSize.LARGE, Position.RIGHT);
        BufferedImage img = ShapeRenderer.render(new Scene(List.of(red, blue)));
        ShapesScore swapped = ShapesJudge.score(img, "a small red circle to the right of a large blue square");
        assertEquals(1.0, swapped.color());
        assertEquals(1.0, swapped.shape());
        assertEquals(0.0, swapped.position());
        assertFalse(swapped.correct());
        ShapesScore wrongColour = ShapesJudge.score(img, "a small green circle to the left of a large blue square");
        assertEquals(0.5, wrongColour.color());
        assertFalse(wrongColour.correct());
        ShapesScore count = ShapesJudge.score(img, "three small red circles");
        assertFalse(count.count());
        assertEquals(null, ShapesJudge.score(img, "a red circle and a blue square").size());
        assertTrue(ShapesJudge.score(img, "a red circle and a blue square").correct());
        ShapesScore blank = ShapesJudge.score(Images.rgb(64, 64, Images.WHITE), "a large blue square in the center");
        assertEquals(0.0, blank.color());
        assertFalse(blank.count());
    }

    @Test
    void datasetFilesParseLikeTheirAttributes(@TempDir Path dir) throws IOException {
        ShapesDataset.generate(dir, 2, 50);
        for (var e : ai.emu4j.data.Manifest.read(dir)) {
            ShapesScore s = ShapesJudge.score(Images.readRgb(dir.resolve(e.file())), e.caption());
            assertTrue(s.correct(), e.caption());
            assertEquals(((Number) e.attributes().get("count")).intValue(), s.detected().size());
        }
    }

    @Test
    void measuresAreExactOnALargeSquare() {
        BufferedImage img = Images.rgb(64, 64, Images.WHITE);
        ShapeRenderer.draw(img, ShapeKind.SQUARE, ShapeColor.PURPLE.rgb, 18, 32, 32);
        Blob b = SceneParser.parse(img).stream().max(Comparator.comparingInt(Blob::area)).orElseThrow();
        assertEquals(324, b.area());
        assertEquals(1.0, b.fill());
        assertEquals(32.0, b.cx());
        assertEquals(ShapeColor.PURPLE, b.color());
    }
}
