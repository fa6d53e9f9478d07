package ai.emu4j.models.emu3;

import ai.emu4j.core.util.Rng;
import ai.emu4j.models.llama.LlamaConfig;
import ai.emu4j.models.llama.LlamaModel;
import ai.emu4j.models.llama.LlamaWeights;
import ai.emu4j.models.sampling.Sampler;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Same seed, same image, whatever the size of the compute pool: every kernel gives each output
 * element to one thread with a fixed summation order, so splitting work differently must not change
 * a single bit. The pool size is fixed per JVM (-Demu4j.threads), so each count runs in its own JVM.
 */
class ThreadCountDeterminismTest {
    /** Big enough that GEMMs, norms and softmaxes take their multi-threaded paths. */
    static int[] generate() {
        VisionTokens tokens = new VisionTokens(200, 201, 0, 202, 203, 204, 205, 206, 207, 64);
        LlamaConfig c = LlamaConfig.small(207 + 64, 256, 2, 4, 2, 512, 128);
        LlamaModel model = new LlamaModel(c, LlamaWeights.init(c, new Rng(11)));
        var request = new ImageGenerator.Request(new int[] {200, 5, 9, 17, 203, 202}, new int[] {200, 203, 202}, 4, 4, 3f,
                new Sampler(1f, 16, 0.95f, 1234));
        return new ImageGenerator(model, tokens).generate(request, null, null);
    }

    public static void main(String[] args) {
        System.out.println(Arrays.toString(generate()));
    }

    @Test
    void oneAndTwoThreadsGiveTheSameCodes() throws Exception {
        String inProcess = Arrays.toString(generate());
        assertEquals(inProcess, runWithThreads(1));
        assertEquals(inProcess, runWithThreads(2));
    }

    private static String runWithThreads(int threads) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = List.of(java, "--add-modules", "jdk.incubator.vector", "-Demu4j.threads=" + threads,
                "-cp", System.getProperty("java.class.path"), ThreadCountDeterminismTest.class.getName());
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertEquals(0, p.waitFor(), "child JVM failed: " + out);
        return out;
    }
}
