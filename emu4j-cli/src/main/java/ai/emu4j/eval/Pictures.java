package ai.emu4j.eval;

import ai.emu4j.models.vq.RgbImage;
import ai.emu4j.models.vq.VQImages;
import java.awt.image.BufferedImage;

/** The two picture types that meet here: the models' {@link RgbImage} and the judges' {@link BufferedImage}. */
final class Pictures {
    private Pictures() {}

    static RgbImage rgb(BufferedImage img) {
        return VQImages.toRgb(img);
    }

    static BufferedImage buffered(RgbImage img) {
        BufferedImage out = new BufferedImage(img.width(), img.height(), BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < img.height(); y++) {
            for (int x = 0; x < img.width(); x++) out.setRGB(x, y, img.get(x, y, 0) << 16 | img.get(x, y, 1) << 8 | img.get(x, y, 2));
        }
        return out;
    }
}
