package ai.emu4j.cli;

import ai.emu4j.data.Manifest;
import ai.emu4j.data.ManifestEntry;
import ai.emu4j.data.Split;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code emu4j data}: writes a dataset folder (images or clips, manifest.jsonl, SHA256SUMS). The same
 * arguments give byte-identical folders; the summary line on stdout ends with the SHA256SUMS digest.
 */
@Command(name = "data", mixinStandardHelpOptions = true,
        description = "Make a reproducible dataset folder: emoji (from npm), shapes or sprites; or mix several.",
        subcommands = {DataEmojiCommand.class, DataShapesCommand.class, DataSpritesCommand.class, DataMixCommand.class})
public final class DataCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand: emoji, shapes, sprites or mix");
    }

    /** "shapes: 2000 items (train 1500, val 150, test 350) in DIR, SHA256SUMS sha256 HEX". */
    static void summary(CommandLine cmd, String name, Path out, String digest) {
        List<ManifestEntry> m = Manifest.read(out);
        Map<Split, Integer> counts = new TreeMap<>();
        for (ManifestEntry e : m) counts.merge(e.split(), 1, Integer::sum);
        PrintWriter w = cmd.getOut();
        w.printf("%s: %d items (train %d, val %d, test %d) in %s, SHA256SUMS sha256 %s%n", name, m.size(),
                counts.getOrDefault(Split.TRAIN, 0), counts.getOrDefault(Split.VAL, 0), counts.getOrDefault(Split.TEST, 0), out, digest);
        w.flush();
    }

    static void positive(CommandLine cmd, String option, int value) {
        if (value <= 0) throw new CommandLine.ParameterException(cmd, option + " must be positive: " + value);
    }
}
