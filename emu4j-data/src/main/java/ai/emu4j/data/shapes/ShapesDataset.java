package ai.emu4j.data.shapes;

import ai.emu4j.core.util.Rng;
import ai.emu4j.data.Checksums;
import ai.emu4j.data.Images;
import ai.emu4j.data.Manifest;
import ai.emu4j.data.ManifestEntry;
import ai.emu4j.data.Split;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code emu4j data shapes}: procedurally drawn 64x64 scenes. Scenes come from one seeded stream, so the first
 * N scenes are the same whatever the count. Any scene with a held-out colour+shape pair goes to "test" (those
 * pairs never appear in train or val: compositional generalisation); the rest split 90/10 train/val by a hash
 * of the id. Cost: about 1 ms per scene, mostly PNG encoding.
 */
public final class ShapesDataset {
    /** Colour+shape pairs that never occur in train or val. */
    public static final Set<String> HELD_OUT = Set.of("red triangle", "blue circle", "green square");

    private ShapesDataset() {}

    public static boolean heldOut(SceneObject o) {
        return HELD_OUT.contains(o.color().word() + " " + o.shape().word());
    }

    public static Scene sample(Rng rng) {
        List<Position> anchors = new ArrayList<>(List.of(Position.values()));
        for (int i = anchors.size() - 1; i > 0; i--) java.util.Collections.swap(anchors, i, rng.nextInt(i + 1));
        double kind = rng.nextDouble();
        int n = kind < 0.25 ? 1 : kind < 0.5 ? 2 : kind < 0.75 ? 3 : 2 + rng.nextInt(2);
        boolean counting = kind >= 0.75;
        List<ShapeColor> colors = new ArrayList<>(List.of(ShapeColor.values()));
        List<SceneObject> objs = new ArrayList<>(n);
        SceneObject template = null;
        for (int i = 0; i < n; i++) {
            ShapeColor color = colors.remove(rng.nextInt(colors.size()));
            ShapeKind shape = ShapeKind.values()[rng.nextInt(ShapeKind.values().length)];
            ShapeSize size = ShapeSize.values()[rng.nextInt(ShapeSize.values().length)];
            if (counting && template != null) {
                color = template.color();
                shape = template.shape();
                size = template.size();
            }
            SceneObject o = new SceneObject(color, shape, size, anchors.get(i));
            if (template == null) template = o;
            objs.add(o);
        }
        return new Scene(objs);
    }

    /** Writes count scenes to out (images/NNNNNN.png, manifest.jsonl, SHA256SUMS); returns the SHA256SUMS digest. */
    public static String generate(Path out, long seed, int count) throws IOException {
        Files.createDirectories(out.resolve("images"));
        Rng rng = new Rng(seed);
        List<ManifestEntry> entries = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            Scene scene = sample(rng);
            String name = String.format("%06d", i);
            String id = "shapes-" + name;
            String file = "images/" + name + ".png";
            Images.writePng(ShapeRenderer.render(scene), out.resolve(file));
            boolean held = scene.objects().stream().anyMatch(ShapesDataset::heldOut);
            Split split = held ? Split.TEST : Split.unit(id + "/" + seed) < 0.1 ? Split.VAL : Split.TRAIN;
            entries.add(new ManifestEntry(id, file, ManifestEntry.IMAGE, ShapeCaptions.caption(scene), split,
                    Map.of("attributes", attributes(scene, held))));
        }
        Manifest.write(out, entries);
        return Checksums.write(out);
    }

    static Map<String, Object> attributes(Scene scene, boolean held) {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("count", scene.objects().size());
        List<Map<String, Object>> objs = new ArrayList<>();
        for (SceneObject o : scene.objects()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("color", o.color().word());
            m.put("shape", o.shape().word());
            m.put("size", o.size().word());
            m.put("position", o.position().word());
            m.put("x", o.position().x);
            m.put("y", o.position().y);
            objs.add(m);
        }
        a.put("objects", objs);
        if (scene.relation() != null) a.put("relation", scene.relation().word());
        a.put("held_out_pair", held);
        return a;
    }
}
