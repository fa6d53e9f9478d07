package ai.emu4j.api;

/** An image as vision-tokenizer codes: rows x cols, row-major. */
public record ImageTokens(int[] codes, int rows, int cols) {
    public ImageTokens {
        if (rows <= 0 || cols <= 0 || (long) rows * cols != codes.length) {
            throw new IllegalArgumentException(rows + "x" + cols + " grid does not match " + codes.length + " codes");
        }
    }
}
