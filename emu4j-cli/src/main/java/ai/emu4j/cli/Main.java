package ai.emu4j.cli;

import ai.emu4j.core.io.SafeTensorsException;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The {@code emu4j} command. A new subcommand is one more class in {@code subcommands}; errors from
 * any of them become one {@code emu4j: error: ...} line on stderr and an exit code per failure class.
 */
@Command(name = "emu4j", mixinStandardHelpOptions = true, version = Main.VERSION,
        description = "Pure-Java engine for Emu3-style multimodal models.",
        subcommands = {GenerateCommand.class, CaptionCommand.class, ChatCommand.class, VideoCommand.class, TrainCommand.class,
                TokenizerCommand.class, DataCommand.class, JudgeCommand.class, InfoCommand.class, ConvertCommand.class, TextTokenizerCommand.class,
                EvalCommand.class, PlotCommand.class, ServeCommand.class, BenchCommand.class})
public final class Main implements Callable<Integer> {
    public static final String VERSION = "emu4j 0.1.0";
    public static final int EXIT_OK = 0;
    public static final int EXIT_ERROR = 1;
    public static final int EXIT_USAGE = 2;
    public static final int EXIT_BAD_MODEL = 3;

    @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT, description = "Print stack traces of errors.")
    boolean verbose;

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(System.out, System.err, args));
    }

    /** Runs one command line against the given streams and returns the exit code; never exits. */
    public static int run(PrintStream out, PrintStream err, String... args) {
        Main main = new Main();
        PrintWriter errWriter = new PrintWriter(err, true, StandardCharsets.UTF_8);
        CommandLine cli = new CommandLine(main)
                .setOut(new PrintWriter(out, true, StandardCharsets.UTF_8))
                .setErr(errWriter)
                .setParameterExceptionHandler((ex, ignored) -> {
                    error(errWriter, ex.getMessage());
                    return EXIT_USAGE;
                })
                .setExecutionExceptionHandler((ex, line, parsed) -> {
                    error(errWriter, message(ex));
                    if (main.verbose || verbose(parsed)) ex.printStackTrace(errWriter);
                    return exitCode(ex);
                });
        int code = cli.execute(args);
        cli.getOut().flush();
        errWriter.flush();
        return code;
    }

    /** Reached only when no subcommand was given. */
    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "missing a command; try 'emu4j --help'");
    }

    static int exitCode(Exception e) {
        if (e instanceof SafeTensorsException) return EXIT_BAD_MODEL;
        if (e instanceof ParameterException) return EXIT_USAGE;
        return EXIT_ERROR;
    }

    static String message(Exception e) {
        return switch (e) {
            case NoSuchFileException n -> "no such file or folder: " + n.getFile();
            case AccessDeniedException a -> "permission denied: " + a.getFile();
            case SafeTensorsException s -> s.getMessage();
            case IOException io -> "I/O error: " + io.getMessage();
            // Our own exceptions and argument checks carry messages written for users; anything else is
            // unexpected, and its class name helps the bug report.
            default -> e.getMessage() == null ? e.getClass().getSimpleName()
                    : e instanceof IllegalArgumentException || e.getClass().getName().startsWith("ai.emu4j.") ? e.getMessage()
                    : e.getClass().getSimpleName() + ": " + e.getMessage();
        };
    }

    /** The inherited flag may sit after the subcommand, where picocli records it on that level. */
    private static boolean verbose(ParseResult parsed) {
        for (ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("--verbose")) return true;
        }
        return false;
    }

    private static void error(PrintWriter err, String message) {
        String text = message == null ? "unknown error" : message.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
        err.println("emu4j: error: " + text);
    }
}
