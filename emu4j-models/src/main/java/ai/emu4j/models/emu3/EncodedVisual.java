package ai.emu4j.models.emu3;

/** An image (frames = 1, not video) or a clip as VQ codes, (frames, h, w) row-major. */
public record EncodedVisual(int[] codes, int frames, Emu3Processor.GridSize grid, boolean video) {
    public EncodedVisual {
        if ((long) frames * grid.height() * grid.width() != codes.length) {
            throw new IllegalArgumentException(frames + " frames of " + grid.height() + "x" + grid.width() + " do not match " + codes.length + " codes");
        }
    }

    /** The block this visual contributes to a sequence. */
    public int[] block(Emu3Processor processor) {
        return processor.visualBlock(codes, frames, grid, video);
    }
}
