package ai.emu4j.cli;

import ai.emu4j.data.emoji.EmojiDataset;
import ai.emu4j.data.emoji.EmojiStyle;
import ai.emu4j.data.emoji.NpmFetcher;
import ai.emu4j.data.emoji.NpmPackage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "emoji", mixinStandardHelpOptions = true,
        description = "64x64 Noto (Apache-2.0) and Twemoji (CC-BY-4.0) emoji PNGs with captions, from pinned npm packages "
                + "emoji-datasource-google/-twitter 16.0.0 and emojilib 4.0.3 (fetched once with npm pack, ~136 MB).")
public final class DataEmojiCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "DIR", description = "dataset folder to write")
    Path out;

    @Option(names = "--npm-cache", paramLabel = "DIR", description = "where npm tarballs are kept (default ~/.cache/emu4j/npm)")
    Path cache = Path.of(System.getProperty("user.home"), ".cache", "emu4j", "npm");

    @Option(names = "--npm", paramLabel = "CMD", defaultValue = "npm", description = "the npm command (default ${DEFAULT-VALUE})")
    String npm;

    @Override
    public Integer call() throws IOException {
        NpmFetcher fetcher = new NpmFetcher(cache, npm);
        Map<EmojiStyle, Path> styles = new LinkedHashMap<>();
        for (EmojiStyle s : new EmojiStyle[] {EmojiStyle.NOTO, EmojiStyle.TWEMOJI}) styles.put(s, fetcher.fetch(s.pkg()));
        Path emojilib = fetcher.fetch(NpmPackage.EMOJILIB);
        DataCommand.summary(spec.commandLine(), "emoji", out, EmojiDataset.generate(out, styles, emojilib));
        return 0;
    }
}
