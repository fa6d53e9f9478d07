package ai.emu4j.data.shapes;

import java.util.List;

/**
 * What a caption asks for: the objects (a counting caption repeats one object, positions null), and for
 * a two-object caption the relation of the first to the second. Positions are set only where stated.
 */
public record CaptionSpec(List<SceneObject> objects, Relation relation) {
    public CaptionSpec {
        objects = List.copyOf(objects);
    }

    public int count() {
        return objects.size();
    }
}
