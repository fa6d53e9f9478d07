package ai.emu4j.cli;

import ai.emu4j.eval.Emu3EvalModel;
import ai.emu4j.eval.EvalData;
import ai.emu4j.eval.EvalProgress;
import ai.emu4j.eval.Evaluation;
import ai.emu4j.eval.ReportFormat;
import ai.emu4j.models.emu3.Decoding;
import ai.emu4j.models.emu3.Emu3Bundle;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code emu4j eval --model DIR --data MIX}: every held-out metric of the model card next to its
 * baseline, in one table (see docs/EVAL.md for the definitions). Progress goes to stderr.
 */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Evaluate a model on the held-out items of a mixed dataset (tokenizer, text->image, image->text, video, determinism).")
public final class EvalCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--data", required = true, paramLabel = "DIR", description = "Mixed dataset folder (emu4j data mix) with manifest.jsonl.")
    Path data;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "0",
            description = "Items per task (0 = each task's default: tokenizer 300, shapes 120, emoji 60 and 60, video 24).")
    int limit;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "0", description = "Seed of item sampling, generation and baselines; default ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--candidates", paramLabel = "K", defaultValue = "" + Evaluation.DEFAULT_CANDIDATES,
            description = "Emoji names ranked per picture for image->text top-5 (the right one + K-1 random; 0 = all names); default ${DEFAULT-VALUE}.")
    int candidates;

    @Option(names = "--cfg", paramLabel = "S", defaultValue = "3.0", description = "Guidance scale of generation; default ${DEFAULT-VALUE}.")
    float cfg;

    @Option(names = "--temperature", paramLabel = "T", defaultValue = "1.0", description = "Sampling temperature of generation and video extension; default ${DEFAULT-VALUE}.")
    float temperature;

    @Option(names = "--top-k", paramLabel = "K", defaultValue = "0", description = "Sample among the K likeliest codes (0: all); default ${DEFAULT-VALUE}.")
    int topK;

    @Option(names = "--question", paramLabel = "TEXT", defaultValue = CaptionCommand.DEFAULT_QUESTION,
            description = "Captioning question the model was trained with; default: ${DEFAULT-VALUE}.")
    String question;

    @Option(names = "--beams", paramLabel = "N", defaultValue = "0",
            description = "Beam width of captions (0: the model folder's generation_config.json num_beams, greedy without one, as emu4j caption decodes); default ${DEFAULT-VALUE}.")
    int beams;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the numbers as JSON.")
    Path json;

    @Option(names = "--markdown", paramLabel = "FILE", description = "Also write the table as Markdown (for MODEL_CARD.md).")
    Path markdown;

    @Mixin
    ModelOptions modelOptions;

    @Override
    public Integer call() throws IOException {
        CommandLine cmd = spec.commandLine();
        if (limit < 0) throw new CommandLine.ParameterException(cmd, "--limit must be >= 0, got " + limit);
        if (candidates < 0 || candidates == 1) throw new CommandLine.ParameterException(cmd, "--candidates must be 0 (all) or at least 2, got " + candidates);
        if (!(cfg >= 0) || Float.isInfinite(cfg)) throw new CommandLine.ParameterException(cmd, "--cfg must be a finite number >= 0, got " + cfg);
        if (!(temperature > 0) || Float.isInfinite(temperature)) throw new CommandLine.ParameterException(cmd, "--temperature must be a finite number > 0, got " + temperature);
        if (topK < 0) throw new CommandLine.ParameterException(cmd, "--top-k must be >= 0, got " + topK);
        if (beams < 0 || beams > Decoding.MAX_BEAMS) throw new CommandLine.ParameterException(cmd, "--beams must be 0.." + Decoding.MAX_BEAMS + ", got " + beams);
        for (Path p : new Path[] {json, markdown}) if (p != null) ModelOptions.checkOutputFolder(cmd, p);
        EvalData dataset = EvalData.read(data);
        PrintWriter out = cmd.getOut(), err = cmd.getErr();
        Evaluation.Report report;
        int captionBeams;
        try (Emu3Bundle b = modelOptions.open()) {
            err.println("evaluating " + b.folder() + " on " + data);
            err.flush();
            Emu3EvalModel model = new Emu3EvalModel(b, cfg, question, temperature, topK, beams);
            captionBeams = model.captionBeams();
            report = Evaluation.run(model, dataset, new Evaluation.Settings(limit, seed, candidates), bars(err));
        }
        out.print(ReportFormat.table(report));
        out.flush();
        if (markdown != null) Files.writeString(markdown, ReportFormat.markdown(report), StandardCharsets.UTF_8);
        if (json != null) {
            Map<String, Object> settings = new LinkedHashMap<>();
            settings.put("model", modelOptions.model == null ? ModelOptions.demoFolder().toString() : modelOptions.model.toAbsolutePath().toString());
            settings.put("data", data.toAbsolutePath().toString());
            settings.put("limit", limit);
            settings.put("seed", seed);
            settings.put("candidates", candidates);
            settings.put("cfg", cfg);
            settings.put("temperature", temperature);
            settings.put("top_k", topK);
            settings.put("question", question);
            settings.put("caption_beams", captionBeams);
            Files.writeString(json, ReportFormat.json(report, settings), StandardCharsets.UTF_8);
        }
        return Main.EXIT_OK;
    }

    private static EvalProgress bars(PrintWriter err) {
        return (task, items) -> {
            ProgressBar bar = Progress.bar(err, task, items, "items");
            return new EvalProgress.Ticker() {
                @Override
                public void step() {
                    bar.step();
                }

                @Override
                public void close() {
                    bar.close();
                }
            };
        };
    }
}
