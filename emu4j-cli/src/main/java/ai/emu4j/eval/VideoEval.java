package ai.emu4j.eval;

import ai.emu4j.data.ManifestEntry;
import ai.emu4j.data.judge.MotionTracker;
import ai.emu4j.data.sprites.Direction;
import ai.emu4j.models.vq.RgbImage;
import ai.emu4j.models.vq.VQImages;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Video extension on held-out sprites clips: the model gets the caption and the first half of the frames
 * (rounded down to whole latent frames) and generates the rest. Scored over the generated frames only:
 * <ul>
 * <li>direction: {@link MotionTracker}'s direction equals the captioned one; baseline chance, 1/4;</li>
 * <li>kept: {@link ObjectKept} holds in every generated frame; baseline: repeating the last given frame;</li>
 * <li>both at once; baseline: repeating the last given frame (never moves, so 0 unless the tracker errs).</li>
 * </ul>
 */
public final class VideoEval {
    public static final String TASK = "video extension sprites";

    private VideoEval() {}

    public static List<Row> run(EvalModel model, EvalData data, List<ManifestEntry> items, long seed, EvalProgress.Ticker tick) {
        int tdf = model.temporalFactor();
        Mean direction = new Mean(), kept = new Mean(), both = new Mean(), copyKept = new Mean(), copyBoth = new Mean();
        for (int i = 0; i < items.size(); i++) {
            ManifestEntry e = items.get(i);
            List<RgbImage> frames = data.frames(e);
            int usable = frames.size() / tdf * tdf, given = usable / tdf / 2 * tdf;
            if (given == 0) throw new IllegalArgumentException(e.id() + ": " + frames.size() + " frames are too few to give half of them in whole latent frames of " + tdf);
            Direction want = Direction.parse(String.valueOf(e.attributes().get("direction")));
            List<BufferedImage> cond = buffered(frames.subList(0, given));
            List<RgbImage> extension = model.extend(e.caption(), frames.subList(0, given), usable - given, seed + i);
            // At the clip's own size, so that object areas compare with the given frames' at any image_area.
            List<BufferedImage> generated = buffered(extension.stream().map(f -> VQImages.resize(f, frames.getFirst().width(), frames.getFirst().height())).toList());
            boolean dirOk = MotionTracker.track(generated).direction() == want, keptOk = ObjectKept.test(cond, generated);
            direction.add(dirOk);
            kept.add(keptOk);
            both.add(dirOk && keptOk);
            List<BufferedImage> copies = Collections.nCopies(usable - given, cond.getLast());
            boolean copyKeptOk = ObjectKept.test(cond, copies);
            copyKept.add(copyKeptOk);
            copyBoth.add(copyKeptOk && MotionTracker.track(copies).direction() == want);
            tick.step();
        }
        Mean chance = new Mean();
        chance.add(0.25);
        return List.of(Row.rate(TASK, "direction matches caption", direction, chance, "chance (1 of 4)"),
                Row.rate(TASK, "object kept", kept, copyKept, "repeat last given frame"),
                Row.rate(TASK, "direction and object", both, copyBoth, "repeat last given frame"));
    }

    private static List<BufferedImage> buffered(List<RgbImage> frames) {
        List<BufferedImage> out = new ArrayList<>(frames.size());
        for (RgbImage f : frames) out.add(Pictures.buffered(f));
        return out;
    }
}
