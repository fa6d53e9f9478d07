package ai.emu4j.eval;

import ai.emu4j.models.vq.RgbImage;
import java.util.List;

/**
 * What the evaluation asks of a model, one call per item. {@link Emu3EvalModel} answers with an Emu3
 * bundle; tests answer with fakes (ground truth, noise) to check the scoring on known cases.
 */
public interface EvalModel {
    /** The tokenizer's view of an image: the resized input, its reconstruction and codes on a rows x cols grid. */
    record Reconstruction(RgbImage input, RgbImage output, int[] codes, int rows, int cols) {}

    int codebookSize();

    /** Pictures per latent frame (the VQ's temporal factor); clips are cut and extended in multiples of it. */
    int temporalFactor();

    Reconstruction reconstruct(RgbImage image);

    /** One image for the caption, reproducible from the seed. */
    RgbImage generate(String caption, long seed);

    /** Deterministic answer to the captioning question (see {@link #captionDecoding}), at most maxTokens long. */
    String caption(RgbImage image, int maxTokens);

    /** How {@link #caption} decodes, for the table's label: "greedy caption", "caption, 4 beams". */
    default String captionDecoding() {
        return "greedy caption";
    }

    /** log P(answer | image, captioning question) of each answer, summed over its tokens. */
    double[] answerLogLikelihoods(RgbImage image, List<String> answers);

    /** The next newFrames pictures of a clip that starts with given, under the caption. */
    List<RgbImage> extend(String caption, List<RgbImage> given, int newFrames, long seed);
}
