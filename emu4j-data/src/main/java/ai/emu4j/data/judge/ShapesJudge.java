package ai.emu4j.data.judge;

import ai.emu4j.data.shapes.CaptionSpec;
import ai.emu4j.data.shapes.Relation;
import ai.emu4j.data.shapes.SceneObject;
import ai.emu4j.data.shapes.ShapeCaptions;
import java.awt.image.BufferedImage;
import java.util.List;

/**
 * Scores a picture against a shapes caption. Captioned objects are matched to parsed blobs by the
 * assignment with the most agreeing attributes (colour counts most, then shape); with at most 3 objects
 * brute force over all assignments is at most 4*4*4 cases.
 */
public final class ShapesJudge {
    static final double RELATION_MARGIN = 6.4;

    private ShapesJudge() {}

    public static ShapesScore score(BufferedImage img, String caption) {
        return score(SceneParser.parse(img), ShapeCaptions.parse(caption));
    }

    public static ShapesScore score(List<Blob> blobs, CaptionSpec spec) {
        List<SceneObject> want = spec.objects();
        int[] best = new int[want.size()];
        search(want, blobs, new int[want.size()], 0, new boolean[blobs.size()], best, new int[] {-1});
        int n = want.size(), colorOk = 0, shapeOk = 0, sizeOk = 0, sizeN = 0, posOk = 0, posN = 0;
        for (int i = 0; i < n; i++) {
            SceneObject o = want.get(i);
            Blob b = best[i] < 0 ? null : blobs.get(best[i]);
            if (b != null && b.color() == o.color()) colorOk++;
            if (b != null && b.shape() == o.shape()) shapeOk++;
            if (o.size() != null) {
                sizeN++;
                if (b != null && b.size() == o.size()) sizeOk++;
            }
            if (o.position() != null) {
                posN++;
                if (b != null && b.position() == o.position()) posOk++;
            }
        }
        if (spec.relation() != null) {
            posN = 1;
            posOk = best[0] >= 0 && best[1] >= 0 && holds(spec.relation(), blobs.get(best[0]), blobs.get(best[1])) ? 1 : 0;
        }
        boolean count = blobs.size() == n;
        boolean correct = count && colorOk == n && shapeOk == n && sizeOk == sizeN && posOk == posN;
        return new ShapesScore(count, colorOk / (double) n, shapeOk / (double) n, sizeN == 0 ? null : sizeOk / (double) sizeN,
                posN == 0 ? null : posOk / (double) posN, correct, blobs);
    }

    /** Relation margin: a tenth of the 64 px scene, so centroids must be clearly apart on that axis. */
    static boolean holds(Relation r, Blob a, Blob b) {
        return r.holds(a.cx(), a.cy(), b.cx(), b.cy(), RELATION_MARGIN);
    }

    private static void search(List<SceneObject> want, List<Blob> blobs, int[] cur, int i, boolean[] used, int[] best, int[] bestScore) {
        if (i == want.size()) {
            int s = 0;
            for (int k = 0; k < cur.length; k++) if (cur[k] >= 0) s += agreement(want.get(k), blobs.get(cur[k]));
            if (s > bestScore[0]) {
                bestScore[0] = s;
                System.arraycopy(cur, 0, best, 0, cur.length);
            }
            return;
        }
        cur[i] = -1;
        search(want, blobs, cur, i + 1, used, best, bestScore);
        for (int j = 0; j < blobs.size(); j++) {
            if (used[j]) continue;
            used[j] = true;
            cur[i] = j;
            search(want, blobs, cur, i + 1, used, best, bestScore);
            used[j] = false;
        }
        cur[i] = -1;
    }

    private static int agreement(SceneObject o, Blob b) {
        int s = 1;
        if (b.color() == o.color()) s += 8;
        if (b.shape() == o.shape()) s += 4;
        if (o.size() != null && b.size() == o.size()) s += 2;
        if (o.position() != null && b.position() == o.position()) s += 1;
        return s;
    }
}
