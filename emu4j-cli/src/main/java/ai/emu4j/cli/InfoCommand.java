package ai.emu4j.cli;

import ai.emu4j.core.io.ModelWeights;
import ai.emu4j.core.io.TensorEntry;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Lists a model's tensors from the headers alone: validates every file, maps and loads nothing. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "List the tensors of a .safetensors file or model folder (sharded or not) and check its headers.")
final class InfoCommand implements Callable<Integer> {
    private static final JsonMapper MAPPER = JsonMapper.builder().build();
    private static final int BYTES_COLUMN = 3;

    @Parameters(paramLabel = "PATH", description = "A .safetensors file, a model folder, or a model.safetensors.index.json.")
    Path path;

    @Option(names = "--json", description = "Print a machine-readable JSON report instead of a table.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        try (ModelWeights w = ModelWeights.open(path)) {
            if (json) {
                out.println(MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(report(w)));
            } else {
                table(w, out);
            }
        }
        return Main.EXIT_OK;
    }

    private ObjectNode report(ModelWeights w) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("path", path.toString());
        root.put("sharded", w.sharded());
        ArrayNode tensors = root.putArray("tensors");
        long bytes = 0;
        for (TensorEntry e : w.entries()) {
            ObjectNode t = tensors.addObject();
            t.put("name", e.name());
            t.put("dtype", e.dtypeName());
            ArrayNode shape = t.putArray("shape");
            for (long d : e.shape()) shape.add(d);
            t.put("bytes", e.byteSize());
            t.put("parameters", e.numel());
            if (w.sharded()) t.put("shard", w.shardOf(e.name()));
            bytes += e.byteSize();
        }
        root.put("tensor_count", w.entries().size());
        root.put("parameter_count", w.parameterCount());
        root.put("total_bytes", bytes);
        ObjectNode meta = root.putObject("metadata");
        w.metadata().forEach(meta::put);
        return root;
    }

    private static void table(ModelWeights w, PrintWriter out) {
        List<List<String>> rows = new ArrayList<>();
        rows.add(new ArrayList<>(List.of("NAME", "DTYPE", "SHAPE", "BYTES")));
        long bytes = 0;
        for (TensorEntry e : w.entries()) {
            rows.add(new ArrayList<>(List.of(printable(e.name()), e.dtypeName(), shape(e.shape()), Long.toString(e.byteSize()))));
            bytes += e.byteSize();
        }
        if (w.sharded()) {
            rows.getFirst().add("SHARD");
            for (int i = 1; i < rows.size(); i++) rows.get(i).add(printable(w.shardOf(w.entries().get(i - 1).name())));
        }
        int[] width = new int[rows.getFirst().size()];
        for (List<String> r : rows) {
            for (int c = 0; c < r.size(); c++) width[c] = Math.max(width[c], r.get(c).length());
        }
        for (List<String> r : rows) {
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < r.size(); c++) {
                String gap = " ".repeat(width[c] - r.get(c).length());
                line.append(c == 0 ? "" : "  ").append(c == BYTES_COLUMN ? gap + r.get(c) : r.get(c) + gap);
            }
            out.println(line.toString().stripTrailing());
        }
        long params = w.parameterCount();
        out.printf("%d tensors, %d parameters%s, %d bytes%n", w.entries().size(), params,
                params >= 1000 ? " (" + human(params) + ")" : "", bytes);
        w.metadata().forEach((k, v) -> out.println("metadata " + printable(k) + " = " + printable(v)));
    }

    private static String shape(long[] dims) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < dims.length; i++) b.append(i == 0 ? "" : ", ").append(dims[i]);
        return b.append(']').toString();
    }

    /** 1234567 -> 1.23M; the exact count is printed beside it. */
    static String human(long n) {
        String[] units = {"", "K", "M", "B", "T"};
        double v = n;
        int u = 0;
        while (v >= 1000 && u < units.length - 1) {
            v /= 1000;
            u++;
        }
        return String.format(Locale.ROOT, u == 0 ? "%.0f%s" : "%.2f%s", v, units[u]);
    }

    /** Names come from the file: escape control characters so they cannot drive the terminal. */
    private static String printable(String s) {
        StringBuilder b = new StringBuilder(s.length());
        s.chars().forEach(c -> {
            if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)) b.append(String.format("\\u%04x", c));
            else b.append((char) c);
        });
        return b.toString();
    }
}
