package ai.emu4j.train;

/**
 * nanoGPT's get_lr as a pure function of the step, so a resumed run needs only the step to continue:
 * linear warm-up lr = maxLr * (step+1)/(warmupSteps+1) for step < warmupSteps (step 0 already moves),
 * then cosine decay from maxLr at warmupSteps to minLr at decaySteps (torch's CosineAnnealingLR curve),
 * then minLr forever.
 */
public record CosineSchedule(double maxLr, double minLr, long warmupSteps, long decaySteps) {
    public CosineSchedule {
        if (!(maxLr >= minLr && minLr >= 0)) throw new IllegalArgumentException("need maxLr >= minLr >= 0, got " + maxLr + ", " + minLr);
        if (warmupSteps < 0 || decaySteps <= warmupSteps) throw new IllegalArgumentException("need 0 <= warmupSteps < decaySteps, got " + warmupSteps + ", " + decaySteps);
    }

    public double lr(long step) {
        if (step < 0) throw new IllegalArgumentException("negative step " + step);
        if (step < warmupSteps) return maxLr * (step + 1) / (warmupSteps + 1);
        if (step > decaySteps) return minLr;
        double ratio = (double) (step - warmupSteps) / (decaySteps - warmupSteps);
        double coeff = 0.5 * (1.0 + Math.cos(Math.PI * ratio));
        return minLr + coeff * (maxLr - minLr);
    }
}
