package ai.emu4j.eval;

import ai.emu4j.data.Images;
import ai.emu4j.data.Manifest;
import ai.emu4j.data.ManifestEntry;
import ai.emu4j.data.Split;
import ai.emu4j.data.mix.DatasetMix;
import ai.emu4j.data.shapes.ShapesDataset;
import ai.emu4j.data.sprites.SpritesDataset;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A tiny mixed dataset as {@code emu4j data mix} writes it: real shapes and shape sprites from the
 * generators, and stand-in emoji (a coloured disc per emoji, the two styles differing in a corner mark),
 * one style of the first half of them in test and the other in train, as the emoji dataset splits.
 */
public final class EvalFixtures {
    static final String[] EMOJI = {"red dot", "green dot", "blue dot", "gold dot", "teal dot", "pink dot"};
    private static final int[] RGB = {0xD02020, 0x20A030, 0x2040D0, 0xE0B020, 0x20B0B0, 0xE060C0};

    private EvalFixtures() {}

    public static Path writeMix(Path dir) throws IOException {
        ShapesDataset.generate(dir.resolve("shapes"), 0, 40);
        SpritesDataset.generate(dir.resolve("sprites"), 0, 30, null);
        Path emoji = dir.resolve("emoji");
        Files.createDirectories(emoji);
        List<ManifestEntry> entries = new ArrayList<>();
        for (int i = 0; i < EMOJI.length; i++) {
            for (String style : new String[] {"noto", "twemoji"}) {
                String unified = "e" + i, file = style + "-" + unified + ".png";
                Images.writePng(picture(RGB[i], style.equals("noto")), emoji.resolve(file));
                Map<String, Object> attributes = new LinkedHashMap<>();
                attributes.put("unified", unified);
                attributes.put("name", EMOJI[i]);
                attributes.put("style", style);
                Split split = i < EMOJI.length / 2 && style.equals("noto") ? Split.TEST : Split.TRAIN;
                entries.add(new ManifestEntry("emoji-" + style + "-" + unified, file, ManifestEntry.IMAGE,
                        EMOJI[i] + ", a " + style + " emoji (test), :" + unified + ":", split, Map.of("attributes", attributes)));
            }
        }
        Manifest.write(emoji, entries);
        Path mix = dir.resolve("mix");
        DatasetMix.write(List.of(dir.resolve("shapes"), dir.resolve("sprites"), emoji), mix);
        return mix;
    }

    private static BufferedImage picture(int rgb, boolean mark) {
        BufferedImage img = Images.rgb(64, 64, Images.WHITE);
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                if ((x - 32) * (x - 32) + (y - 32) * (y - 32) <= 20 * 20) img.setRGB(x, y, rgb);
                if (mark && x < 8 && y < 8) img.setRGB(x, y, 0);
            }
        }
        return img;
    }
}
