package ai.emu4j.cli;

import ai.emu4j.core.io.SafeTensorsCast;
import ai.emu4j.core.tensor.DType;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code emu4j convert IN.safetensors -o OUT.safetensors --dtype bf16}: float tensors re-stored in another dtype. */
@Command(name = "convert", mixinStandardHelpOptions = true,
        description = "Re-store the floating-point tensors of a .safetensors file as f32, f16 or bf16 (others copied); atomic, IN may equal OUT.")
final class ConvertCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "IN", description = "a .safetensors file")
    Path in;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT", description = "file to write")
    Path out;

    @Option(names = "--dtype", required = true, paramLabel = "TYPE", description = "f32, f16 or bf16")
    String dtype;

    @Override
    public Integer call() throws IOException {
        DType target = switch (dtype.toLowerCase(Locale.ROOT)) {
            case "f32", "float32" -> DType.F32;
            case "f16", "float16" -> DType.F16;
            case "bf16", "bfloat16" -> DType.BF16;
            default -> throw new CommandLine.ParameterException(spec.commandLine(), "--dtype must be f32, f16 or bf16, not " + dtype);
        };
        ModelOptions.checkOutputFolder(spec.commandLine(), out);
        int changed = SafeTensorsCast.cast(in, out, target);
        spec.commandLine().getOut().printf("wrote %s (%d tensors now %s)%n", out, changed, target);
        return 0;
    }
}
