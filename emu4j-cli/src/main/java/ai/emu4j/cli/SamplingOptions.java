package ai.emu4j.cli;

import ai.emu4j.models.sampling.Sampler;
import java.security.SecureRandom;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** Seed and sampling knobs; each command supplies its own defaults for temperature and top-k. */
final class SamplingOptions {
    @Option(names = "--seed", paramLabel = "N", description = "Random seed; drawn at random when not given (generate and video print it).")
    Long seed;

    @Option(names = "--top-k", paramLabel = "K", description = "Keep the K most likely tokens (0 = all); default 2048 for pictures and clips, 0 for answers.")
    Integer topK;

    @Option(names = "--top-p", paramLabel = "P", description = "Nucleus sampling mass in (0, 1]; default 1 (off).")
    Float topP;

    @Option(names = "--temperature", paramLabel = "T", description = "Sampling temperature, 0 = greedy; default 1 for pictures and clips, 0 for answers.")
    Float temperature;

    private long resolvedSeed = Long.MIN_VALUE;

    /** The seed given, or one drawn once per command run. */
    long seed() {
        if (resolvedSeed == Long.MIN_VALUE) resolvedSeed = seed != null ? seed : new SecureRandom().nextLong() & Long.MAX_VALUE;
        return resolvedSeed;
    }

    float temperature(float fallback) {
        return temperature != null ? temperature : fallback;
    }

    int topK(int fallback) {
        return topK != null ? topK : fallback;
    }

    float topP() {
        return topP != null ? topP : 1f;
    }

    Sampler sampler(float defaultTemperature, int defaultTopK, long seed) {
        return new Sampler(temperature(defaultTemperature), topK(defaultTopK), topP(), seed);
    }

    /** Bad knobs are usage errors, reported before any model is loaded. */
    void check(CommandLine cmd, float defaultTemperature, int defaultTopK) {
        try {
            sampler(defaultTemperature, defaultTopK, 0);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cmd, e.getMessage());
        }
    }
}
