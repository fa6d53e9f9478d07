package ai.emu4j.eval;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.emu4j.data.Images;
import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.api.Test;

class ObjectKeptTest {
    private static BufferedImage square(int x0, int size, int rgb) {
        BufferedImage img = Images.rgb(64, 64, Images.WHITE);
        for (int y = 20; y < 20 + size; y++) for (int x = x0; x < x0 + size; x++) img.setRGB(x, y, rgb);
        return img;
    }

    @Test
    void movedObjectIsKeptVanishedSmearedOrRecolouredIsNot() {
        List<BufferedImage> given = List.of(square(10, 12, 0xD02020), square(14, 12, 0xD02020));
        assertTrue(ObjectKept.test(given, List.of(square(18, 12, 0xD02020), square(22, 12, 0xD02020))));
        assertFalse(ObjectKept.test(given, List.of(square(18, 12, 0xD02020), Images.rgb(64, 64, Images.WHITE))), "vanished");
        assertFalse(ObjectKept.test(given, List.of(square(0, 40, 0xD02020))), "smeared");
        assertFalse(ObjectKept.test(given, List.of(square(18, 12, 0x2040D0))), "another colour");
        assertFalse(ObjectKept.test(List.of(Images.rgb(64, 64, Images.WHITE)), List.of(square(18, 12, 0xD02020))), "nothing was given");
    }
}
