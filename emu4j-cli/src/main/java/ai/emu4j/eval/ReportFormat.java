package ai.emu4j.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** An {@link Evaluation.Report} as a console table, a Markdown table (for a model card) or JSON. */
public final class ReportFormat {
    private static final String[] HEADER = {"task", "metric", "n", "model", "baseline", "model - baseline", "baseline is"};

    private ReportFormat() {}

    public static String table(Evaluation.Report r) {
        List<String[]> lines = cells(r);
        int[] width = new int[HEADER.length];
        for (String[] l : lines) for (int i = 0; i < l.length; i++) width[i] = Math.max(width[i], l[i].length());
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < lines.size(); k++) {
            String[] l = lines.get(k);
            for (int i = 0; i < l.length; i++) {
                boolean number = i >= 2 && i <= 5;
                String pad = " ".repeat(width[i] - l[i].length());
                sb.append(number ? pad + l[i] : l[i] + (i == l.length - 1 ? "" : pad)).append(i == l.length - 1 ? "" : "  ");
            }
            sb.append('\n');
            if (k == 0) {
                for (int i = 0; i < width.length; i++) sb.append("-".repeat(width[i])).append(i == width.length - 1 ? "" : "  ");
                sb.append('\n');
            }
        }
        sb.append(footer(r));
        return sb.toString();
    }

    public static String markdown(Evaluation.Report r) {
        List<String[]> lines = cells(r);
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k < lines.size(); k++) {
            sb.append("| ").append(String.join(" | ", lines.get(k))).append(" |\n");
            if (k == 0) sb.append("|---|---|--:|--:|--:|--:|---|\n");
        }
        sb.append('\n').append(footer(r));
        return sb.toString();
    }

    public static String json(Evaluation.Report r, Map<String, Object> settings) {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode();
        root.set("settings", mapper.valueToTree(settings));
        ArrayNode rows = root.putArray("rows");
        for (Row row : r.rows()) {
            ObjectNode o = rows.addObject();
            o.put("task", row.task());
            o.put("metric", row.metric());
            o.put("n", row.n());
            o.put("unit", row.unit().name().toLowerCase(Locale.ROOT));
            if (row.unit() == Row.Unit.YES_NO) o.put("value", row.value() == 1);
            else number(o, "value", row.value());
            if (row.baseline() != null) {
                number(o, "baseline", row.baseline());
                o.put("baseline_is", row.baselineName());
            }
        }
        ObjectNode seconds = root.putObject("seconds");
        r.seconds().forEach(seconds::put);
        ArrayNode skipped = root.putArray("skipped");
        r.skipped().forEach(skipped::add);
        try {
            return mapper.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** JSON has no NaN: a metric without items is null. */
    private static void number(ObjectNode o, String field, double v) {
        if (Double.isFinite(v)) o.put(field, v);
        else o.putNull(field);
    }

    private static List<String[]> cells(Evaluation.Report r) {
        List<String[]> lines = new ArrayList<>();
        lines.add(HEADER);
        for (Row row : r.rows()) {
            lines.add(new String[] {row.task(), row.metric(), Integer.toString(row.n()), value(row.value(), row.unit()),
                    row.baseline() == null ? "" : value(row.baseline(), row.unit()), delta(row), row.baselineName() == null ? "" : row.baselineName()});
        }
        return lines;
    }

    private static String footer(Evaluation.Report r) {
        StringBuilder sb = new StringBuilder("wall time:");
        r.seconds().forEach((task, s) -> sb.append(String.format(Locale.ROOT, " %s %.1f s;", task, s)));
        sb.setLength(sb.length() - 1);
        sb.append('\n');
        if (!r.skipped().isEmpty()) sb.append("skipped (no such items in the dataset): ").append(String.join(", ", r.skipped())).append('\n');
        return sb.toString();
    }

    static String value(double v, Row.Unit unit) {
        if (Double.isNaN(v)) return "-";
        return switch (unit) {
            case RATE -> String.format(Locale.ROOT, "%.1f%%", 100 * v);
            case DB -> String.format(Locale.ROOT, "%.2f dB", v);
            case NUMBER -> String.format(Locale.ROOT, Math.abs(v) >= 10 ? "%.1f" : "%.3f", v);
            case YES_NO -> v == 1 ? "yes" : "no";
        };
    }

    private static String delta(Row row) {
        double d = row.delta();
        if (Double.isNaN(d)) return "";
        return switch (row.unit()) {
            case RATE -> String.format(Locale.ROOT, "%+.1f pp", 100 * d);
            case DB -> String.format(Locale.ROOT, "%+.2f dB", d);
            default -> String.format(Locale.ROOT, "%+.3f", d);
        };
    }
}
