package ai.emu4j.cli;

import ai.emu4j.data.mix.DatasetMix;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "mix", mixinStandardHelpOptions = true,
        description = "Merge dataset folders into one (OUT/<folder name>/..., one manifest, splits kept); "
                + "images become opaque RGB over white.")
public final class DataMixCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "DIR", description = "dataset folder to write")
    Path out;

    @Parameters(arity = "1..*", paramLabel = "DATASET", description = "dataset folders (each with manifest.jsonl)")
    List<Path> inputs;

    @Option(names = "--only", paramLabel = "ATTR=VALUE",
            description = "Keep an entry that has attribute ATTR only when it is VALUE (repeatable; values of one "
                    + "attribute are alternatives; entries without ATTR are kept), e.g. --only \"category=food & drink\".")
    List<String> only = List.of();

    @Override
    public Integer call() throws IOException {
        Map<String, Set<String>> filter = new LinkedHashMap<>();
        for (String o : only) {
            int eq = o.indexOf('=');
            if (eq <= 0 || eq == o.length() - 1)
                throw new CommandLine.ParameterException(spec.commandLine(), "--only wants ATTR=VALUE: " + o);
            filter.computeIfAbsent(o.substring(0, eq), k -> new LinkedHashSet<>()).add(o.substring(eq + 1));
        }
        DataCommand.summary(spec.commandLine(), "mix", out, DatasetMix.write(inputs, out, filter));
        return 0;
    }
}
