/**
 * Reproducible datasets and model-free judges.
 *
 * <p>Every dataset is a folder with its files, {@code manifest.jsonl} ({@link ai.emu4j.data.Manifest}) and
 * {@code SHA256SUMS} ({@link ai.emu4j.data.Checksums}); the same arguments give byte-identical folders.
 * Generators: {@link ai.emu4j.data.shapes.ShapesDataset}, {@link ai.emu4j.data.sprites.SpritesDataset},
 * {@link ai.emu4j.data.emoji.EmojiDataset}. Judges for evaluation (package {@code judge}):
 * {@link ai.emu4j.data.judge.ShapesJudge} (scene parser vs caption), {@link ai.emu4j.data.judge.EmojiIndex}
 * (nearest-neighbour retrieval), {@link ai.emu4j.data.judge.MotionTracker} (motion direction).
 */
package ai.emu4j.data;
