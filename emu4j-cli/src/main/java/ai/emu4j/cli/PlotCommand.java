package ai.emu4j.cli;

import ai.emu4j.plot.CsvLog;
import ai.emu4j.plot.CurvePlot;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import javax.imageio.ImageIO;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code emu4j plot LOG.csv... -o curve.png}: training curves as a PNG (pure Java, no display needed). */
@Command(name = "plot", mixinStandardHelpOptions = true, description = "Plot training logs (CSV with a header, e.g. CKPTS/log.csv, OUT.log.csv) as a PNG.")
public final class PlotCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "CSV", arity = "1..*", description = "Log files; x is their 'step' column.")
    List<Path> logs;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE", description = "PNG to write.")
    Path output;

    @Option(names = "--columns", paramLabel = "A,B", split = ",",
            description = "Columns to draw; default the losses (*loss*, or rec,perceptual,codebook,commit,gen,disc).")
    List<String> columns = new ArrayList<>();

    @Option(names = "--title", paramLabel = "T", defaultValue = "", description = "Title; default the file names.")
    String title;

    @Option(names = "--smooth", paramLabel = "N", defaultValue = "1", description = "Trailing mean over N rows (raw curve drawn faintly); default ${DEFAULT-VALUE} (off).")
    int smooth;

    @Option(names = "--log", description = "Logarithmic y axis (losses spanning decades).")
    boolean logY;

    @Option(names = "--size", paramLabel = "WxH", defaultValue = "900x540", description = "Image size in pixels; default ${DEFAULT-VALUE}.")
    String size;

    @Override
    public Integer call() throws IOException {
        CommandLine cmd = spec.commandLine();
        ModelOptions.checkOutputFolder(cmd, output);
        String[] wh = size.split("x", -1);
        int w, h;
        try {
            if (wh.length != 2) throw new NumberFormatException();
            w = Integer.parseInt(wh[0]);
            h = Integer.parseInt(wh[1]);
        } catch (NumberFormatException e) {
            throw new CommandLine.ParameterException(cmd, "--size must be WxH, e.g. 900x540, got " + size);
        }
        List<CsvLog> read = new ArrayList<>();
        for (Path p : logs) read.add(CsvLog.read(p));
        String t = title.isEmpty() ? String.join(", ", read.stream().map(CsvLog::name).toList()) : title;
        try {
            var img = CurvePlot.render(read, columns.stream().map(String::strip).filter(c -> !c.isEmpty()).toList(), t, smooth, logY, w, h);
            if (!ImageIO.write(img, "png", output.toFile())) throw new IOException("no PNG writer");
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cmd, e.getMessage());
        }
        cmd.getOut().println("wrote " + output + " (" + w + "x" + h + ")");
        return Main.EXIT_OK;
    }
}
