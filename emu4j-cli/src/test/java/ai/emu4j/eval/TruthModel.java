package ai.emu4j.eval;

import ai.emu4j.data.ManifestEntry;
import ai.emu4j.models.vq.RgbImage;
import java.util.Arrays;
import java.util.List;

/** A "model" that answers with the dataset's own ground truth: every judge should score it (nearly) perfect. */
class TruthModel implements EvalModel {
    private final EvalData data;

    TruthModel(EvalData data) {
        this.data = data;
    }

    @Override
    public int codebookSize() {
        return 16;
    }

    @Override
    public int temporalFactor() {
        return 1;
    }

    @Override
    public Reconstruction reconstruct(RgbImage image) {
        return new Reconstruction(image, image, new int[] {0, 1, 2, 3}, 2, 2);
    }

    @Override
    public RgbImage generate(String caption, long seed) {
        return data.image(data.entries().stream().filter(e -> e.caption().equals(caption)).findFirst().orElseThrow());
    }

    @Override
    public String caption(RgbImage image, int maxTokens) {
        return entryOf(image).caption();
    }

    @Override
    public double[] answerLogLikelihoods(RgbImage image, List<String> answers) {
        String right = EmojiNamingEval.name(entryOf(image)) + ",";
        return answers.stream().mapToDouble(a -> a.equals(right) ? 0 : -1).toArray();
    }

    @Override
    public List<RgbImage> extend(String caption, List<RgbImage> given, int newFrames, long seed) {
        for (ManifestEntry e : data.entries()) {
            if (!e.kind().equals(ManifestEntry.VIDEO)) continue;
            List<RgbImage> frames = data.frames(e);
            if (Arrays.equals(frames.getFirst().rgb(), given.getFirst().rgb())) return frames.subList(given.size(), given.size() + newFrames);
        }
        throw new IllegalArgumentException("no clip starts with that frame");
    }

    private ManifestEntry entryOf(RgbImage image) {
        return data.entries().stream().filter(e -> e.kind().equals(ManifestEntry.IMAGE) && Arrays.equals(data.image(e).rgb(), image.rgb()))
                .findFirst().orElseThrow();
    }
}
