package ai.emu4j.data.shapes;

import java.util.List;

/**
 * A shapes scene: 1-3 objects at distinct anchors. A scene whose objects all share colour, shape and size
 * is a counting scene ("two large red circles"); otherwise colours are distinct so captions are unambiguous.
 */
public record Scene(List<SceneObject> objects) {
    public Scene {
        objects = List.copyOf(objects);
        if (objects.isEmpty() || objects.size() > 3) throw new IllegalArgumentException("1-3 objects: " + objects.size());
    }

    public boolean counting() {
        if (objects.size() < 2) return false;
        SceneObject a = objects.getFirst();
        return objects.stream().allMatch(o -> o.color() == a.color() && o.shape() == a.shape() && o.size() == a.size());
    }

    /** Relation of the first object to the second, for two-object scenes. */
    public Relation relation() {
        if (objects.size() != 2 || counting()) return null;
        Position a = objects.get(0).position(), b = objects.get(1).position();
        return Relation.of(a.x, a.y, b.x, b.y);
    }
}
