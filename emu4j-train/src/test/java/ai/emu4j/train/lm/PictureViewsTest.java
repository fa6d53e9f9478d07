package ai.emu4j.train.lm;

import ai.emu4j.models.vq.RgbImage;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PictureViewsTest {
    private static final int W = 64;

    /** White canvas, a disc of radius 24 in the middle: red on its left half, blue on its right. */
    private static RgbImage twoToneDisc() {
        byte[] px = new byte[W * W * 3];
        java.util.Arrays.fill(px, (byte) 255);
        for (int y = 0; y < W; y++) {
            for (int x = 0; x < W; x++) {
                double dx = x + 0.5 - W / 2.0, dy = y + 0.5 - W / 2.0;
                if (dx * dx + dy * dy > 24 * 24) continue;
                int i = (y * W + x) * 3;
                px[i] = (byte) (dx < 0 ? 255 : 0);
                px[i + 1] = 0;
                px[i + 2] = (byte) (dx < 0 ? 0 : 255);
            }
        }
        return new RgbImage(W, W, px);
    }

    private static boolean red(RgbImage im, int i) {
        return (im.rgb()[i * 3] & 0xff) > 200 && (im.rgb()[i * 3 + 1] & 0xff) < 60 && (im.rgb()[i * 3 + 2] & 0xff) < 60;
    }

    private static boolean blue(RgbImage im, int i) {
        return (im.rgb()[i * 3] & 0xff) < 60 && (im.rgb()[i * 3 + 1] & 0xff) < 60 && (im.rgb()[i * 3 + 2] & 0xff) > 200;
    }

    @Test
    void aViewIsAFunctionOfSeedIdAndNumber() {
        RgbImage disc = twoToneDisc();
        RgbImage a = PictureViews.view(disc, 5, "emoji-noto-1f981", 1);
        assertArrayEquals(a.rgb(), PictureViews.view(disc, 5, "emoji-noto-1f981", 1).rgb());
        assertEquals(W, a.width());
        assertEquals(W, a.height());
        assertFalse(java.util.Arrays.equals(a.rgb(), PictureViews.view(disc, 5, "emoji-noto-1f981", 2).rgb()));
        assertFalse(java.util.Arrays.equals(a.rgb(), PictureViews.view(disc, 5, "emoji-twemoji-1f981", 1).rgb()));
        assertFalse(java.util.Arrays.equals(a.rgb(), PictureViews.view(disc, 6, "emoji-noto-1f981", 1).rgb()));
        assertThrows(IllegalArgumentException.class, () -> PictureViews.view(disc, 5, "x", 0));
        assertEquals("x", PictureViews.key("x", 0));
        assertEquals("x#view3", PictureViews.key("x", 3));
    }

    @Test
    void viewsShrinkMoveAndMirrorButKeepColours() {
        RgbImage disc = twoToneDisc();
        int redArea = 0;
        for (int i = 0; i < W * W; i++) if (red(disc, i)) redArea++;
        int mirrored = 0;
        double minX = W, maxX = 0;
        for (int k = 1; k <= 60; k++) {
            RgbImage v = PictureViews.view(disc, 1, "disc", k);
            int red = 0, blue = 0, white = 0;
            double redX = 0, blueX = 0;
            for (int i = 0; i < W * W; i++) {
                if (red(v, i)) {
                    red++;
                    redX += i % W;
                } else if (blue(v, i)) {
                    blue++;
                    blueX += i % W;
                } else if ((v.rgb()[i * 3] & 0xff) == 255 && (v.rgb()[i * 3 + 1] & 0xff) == 255 && (v.rgb()[i * 3 + 2] & 0xff) == 255) {
                    white++;
                }
            }
            // Scale 0.7..1 keeps 0.49..1 of the area (less a rim of blended edge pixels).
            assertTrue(red > 0.4 * redArea && red <= 1.05 * redArea, "view " + k + ": red area " + red + " of " + redArea);
            assertTrue(blue > 0.4 * redArea, "view " + k + ": blue area " + blue);
            assertTrue(white > W * W / 4, "view " + k + ": the margin takes the top-left colour");
            if (redX / red > blueX / blue) mirrored++;
            double centre = (redX + blueX) / (red + blue);
            minX = Math.min(minX, centre);
            maxX = Math.max(maxX, centre);
        }
        assertTrue(mirrored >= 15 && mirrored <= 45, "about half the views are mirrored: " + mirrored + " of 60");
        assertTrue(maxX - minX > 6, "views move the picture: centres from " + minX + " to " + maxX);
    }

    @Test
    void aUniformPictureStaysUniform() {
        byte[] px = new byte[16 * 16 * 3];
        for (int i = 0; i < px.length; i += 3) {
            px[i] = 10;
            px[i + 1] = (byte) 200;
            px[i + 2] = 30;
        }
        RgbImage v = PictureViews.view(new RgbImage(16, 16, px), 2, "g", 4);
        assertArrayEquals(px, v.rgb());
    }
}
