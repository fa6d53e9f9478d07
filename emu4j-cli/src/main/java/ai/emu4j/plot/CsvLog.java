package ai.emu4j.plot;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A training log as the trainers write it: a header of column names, then one row of numbers per step;
 * an empty or non-numeric cell (val_loss between checkpoints) reads as NaN.
 */
public record CsvLog(String name, List<String> columns, double[][] values) {
    public static CsvLog read(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank()).toList();
        if (lines.isEmpty()) throw new IllegalArgumentException(file + ": empty, expected a header line");
        List<String> columns = Arrays.stream(lines.getFirst().split(",", -1)).map(String::strip).toList();
        double[][] values = new double[columns.size()][lines.size() - 1];
        for (int r = 1; r < lines.size(); r++) {
            String[] cells = lines.get(r).split(",", -1);
            for (int c = 0; c < columns.size(); c++) values[c][r - 1] = c < cells.length ? parse(cells[c]) : Double.NaN;
        }
        return new CsvLog(file.getFileName().toString(), columns, values);
    }

    public int rows() {
        return values.length == 0 ? 0 : values[0].length;
    }

    public boolean has(String column) {
        return columns.contains(column);
    }

    public double[] column(String column) {
        int i = columns.indexOf(column);
        if (i < 0) throw new IllegalArgumentException(name + " has no column '" + column + "' (columns: " + String.join(",", columns) + ")");
        return values[i];
    }

    /** Columns with at least one number, header order. */
    public List<String> numericColumns() {
        List<String> out = new ArrayList<>();
        for (int c = 0; c < columns.size(); c++) if (Arrays.stream(values[c]).anyMatch(v -> !Double.isNaN(v))) out.add(columns.get(c));
        return out;
    }

    private static double parse(String cell) {
        String s = cell.strip();
        if (s.isEmpty()) return Double.NaN;
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }
}
