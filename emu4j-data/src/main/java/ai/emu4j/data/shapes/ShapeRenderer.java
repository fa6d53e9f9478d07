package ai.emu4j.data.shapes;

import ai.emu4j.data.Images;
import java.awt.image.BufferedImage;

/**
 * Rasterises scenes without anti-aliasing: a pixel is inside when its centre is, so every pixel is either
 * the background or an exact palette colour and the parser can be exact. Graphics2D is not used: its
 * rasterisation rules differ between JDK rendering pipelines.
 */
public final class ShapeRenderer {
    public static final int SIZE = 64;
    public static final int BACKGROUND = Images.WHITE;

    private ShapeRenderer() {}

    public static BufferedImage render(Scene scene) {
        BufferedImage img = Images.rgb(SIZE, SIZE, BACKGROUND);
        for (SceneObject o : scene.objects()) draw(img, o.shape(), o.color().rgb, o.size().side, o.position().x, o.position().y);
        return img;
    }

    /** Draws a shape of the given side centred on (cx, cy); parts outside the image are clipped. */
    public static void draw(BufferedImage img, ShapeKind shape, int rgb, int side, int cx, int cy) {
        int x0 = cx - side / 2, y0 = cy - side / 2;
        double r = side / 2.0, mx = x0 + r, my = y0 + r;
        for (int y = Math.max(0, y0); y < Math.min(img.getHeight(), y0 + side); y++) {
            for (int x = Math.max(0, x0); x < Math.min(img.getWidth(), x0 + side); x++) {
                double px = x + 0.5, py = y + 0.5;
                boolean inside = switch (shape) {
                    case SQUARE -> true;
                    case CIRCLE -> (px - mx) * (px - mx) + (py - my) * (py - my) <= r * r;
                    case TRIANGLE -> Math.abs(px - mx) <= (py - y0) / side * r;
                };
                if (inside) img.setRGB(x, y, rgb);
            }
        }
    }
}
