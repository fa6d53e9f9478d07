package ai.emu4j.data.shapes;

import ai.emu4j.data.DataException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The caption grammar of the shapes dataset, both ways. {@link #parse} accepts exactly what {@link #caption}
 * writes (plus case, a final period and an omitted size), so a judge can score a model on any caption.
 */
public final class ShapeCaptions {
    private static final String[] NUMBERS = {"", "a", "two", "three"};
    private static final String OBJ = "(a|an|one|two|three)\\s+(?:(small|large)\\s+)?(red|orange|yellow|green|blue|purple)\\s+(circle|square|triangle)s?";
    private static final String POS = "(in the center|on the left|on the right|at the top|at the bottom)";
    private static final Pattern PAIR = Pattern.compile(OBJ + "\\s+(to the left of|to the right of|above|below)\\s+" + OBJ);
    private static final Pattern PART = Pattern.compile(OBJ + "(?:\\s+" + POS + ")?");

    private ShapeCaptions() {}

    public static String caption(Scene scene) {
        List<SceneObject> objs = scene.objects();
        SceneObject first = objs.getFirst();
        if (scene.counting()) return NUMBERS[objs.size()] + " " + first.phrase() + "s";
        if (objs.size() == 1) return "a " + first.phrase() + " " + first.position().phrase;
        if (objs.size() == 2) return "a " + first.phrase() + " " + scene.relation().phrase + " a " + objs.get(1).phrase();
        return "a " + first.phrase() + " " + first.position().phrase + ", a " + objs.get(1).phrase() + " " + objs.get(1).position().phrase
                + " and a " + objs.get(2).phrase() + " " + objs.get(2).position().phrase;
    }

    public static CaptionSpec parse(String caption) {
        String text = caption.strip().toLowerCase(Locale.ROOT).replaceAll("\\s+", " ").replaceAll("\\.$", "");
        Matcher pair = PAIR.matcher(text);
        if (pair.matches()) {
            List<SceneObject> objs = new ArrayList<>();
            objs.addAll(objects(pair, 1, null));
            objs.addAll(objects(pair, 6, null));
            if (objs.size() != 2) throw new DataException("a relation needs one object on each side: \"" + caption + "\"");
            return new CaptionSpec(objs, Relation.valueOf(pair.group(5).replace("to the ", "").replace(" of", "_of").toUpperCase(Locale.ROOT)));
        }
        List<SceneObject> objs = new ArrayList<>();
        for (String part : text.split(",\\s*(?:and\\s+)?|\\s+and\\s+")) {
            Matcher m = PART.matcher(part.strip());
            if (!m.matches()) throw new DataException("not a shapes caption (at \"" + part.strip() + "\"): \"" + caption + "\"");
            objs.addAll(objects(m, 1, m.group(5) == null ? null : position(m.group(5))));
        }
        if (objs.isEmpty() || objs.size() > 3) throw new DataException("a shapes caption names 1 to 3 objects: \"" + caption + "\"");
        return new CaptionSpec(objs, null);
    }

    private static List<SceneObject> objects(Matcher m, int g, Position pos) {
        int n = switch (m.group(g)) {
            case "two" -> 2;
            case "three" -> 3;
            default -> 1;
        };
        ShapeSize size = m.group(g + 1) == null ? null : ShapeSize.valueOf(m.group(g + 1).toUpperCase(Locale.ROOT));
        SceneObject o = new SceneObject(ShapeColor.valueOf(m.group(g + 2).toUpperCase(Locale.ROOT)),
                ShapeKind.valueOf(m.group(g + 3).toUpperCase(Locale.ROOT)), size, n == 1 ? pos : null);
        return java.util.Collections.nCopies(n, o);
    }

    private static Position position(String phrase) {
        for (Position p : Position.values()) if (p.phrase.equals(phrase)) return p;
        throw new IllegalStateException(phrase);
    }
}
