package ai.emu4j.train.vq;

/**
 * What one training step measured. usage and perplexity describe the codes picked in the current
 * usage window so far (fraction of the codebook hit; exp of the entropy of the code histogram).
 */
public record StepStats(long step, double rec, double perceptual, double codebook, double commit, double gen, double disc,
                        double lambda, double psnr, double usage, double perplexity, int restarted) {
    /** Column names of {@link #csv()}, after the leading step column. */
    public static final String CSV_HEADER = "step,rec,perceptual,codebook,commit,gen,disc,lambda,psnr,usage,perplexity,restarted";

    /** The values after the step, comma-separated, shortest round-trip form. */
    public String csv() {
        return rec + "," + perceptual + "," + codebook + "," + commit + "," + gen + "," + disc + "," + lambda + "," + psnr + ","
                + usage + "," + perplexity + "," + restarted;
    }
}
