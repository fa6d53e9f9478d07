package ai.emu4j.bench;

import ai.emu4j.core.autograd.GradMode;
import ai.emu4j.core.io.SafeTensorsWriter;
import ai.emu4j.core.kernels.Parallel;
import ai.emu4j.core.tensor.DType;
import ai.emu4j.core.tensor.Tensor;
import ai.emu4j.core.util.Rng;
import ai.emu4j.models.vq.Emu3VQTrainable;
import ai.emu4j.models.vq.Emu3VisionVQ;
import ai.emu4j.models.vq.VQConfig;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Emu3 tokenizer encode/decode throughput, emu4j against PyTorch (tools/bench/tokenizer_peer.py)
 * on the same seeded weights and the same batch, in one run. The model is built from a seed and
 * written as an Emu3 folder that both sides load; the batch goes to the peer as safetensors. Both
 * sides run the image path with the 2D stacks once per image (see Emu3VisionVQ), batched
 * (Emu3VisionVQ.encodeImages / decodeImages). Figures are the best
 * of {@code iters} timed passes after one warm-up pass.
 */
public final class TokenizerBench {
    public record Options(VQConfig config, int size, int batch, int iters, String python, Path script, int peerThreads) {}

    public record Result(double encodeIps, double decodeIps, double roundtripIps) {}

    private TokenizerBench() {}

    public static void run(Options o, PrintStream out) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("emu4j-bench-tokenizer");
        try {
            Path model = dir.resolve("model");
            new Emu3VQTrainable(o.config(), new Rng(1)).saveFolder(model, o.size());
            Tensor x = batch(o.batch(), o.size());
            SafeTensorsWriter w = new SafeTensorsWriter();
            w.addFloats("x", DType.F32, new long[] {o.batch(), 3, o.size(), o.size()}, x.dataF32());
            w.write(dir.resolve("batch.safetensors"));

            int[][] codes = new int[o.batch()][];
            Result ours;
            try (Emu3VisionVQ vq = Emu3VisionVQ.load(model)) {
                ours = ours(vq, x, o.iters(), codes);
            }
            out.printf(Locale.ROOT, "tokenizer: ch %d, ch_mult %s, %d res blocks, %d codes; batch %d x %dx%d; %d emu4j threads%n",
                    o.config().ch(), Arrays.toString(o.config().ch_mult()), o.config().num_res_blocks(), o.config().codebook_size(),
                    o.batch(), o.size(), o.size(), Parallel.threads());
            out.println("| engine | encode img/s | decode img/s | round trip img/s |");
            out.println("|---|---|---|---|");
            row(out, "emu4j", ours);
            if (o.script() == null) return;
            JsonNode peer = peer(o, model, dir.resolve("batch.safetensors"));
            Result torch = new Result(peer.get("encode_ips").asDouble(), peer.get("decode_ips").asDouble(), peer.get("roundtrip_ips").asDouble());
            row(out, "torch " + peer.get("torch").asText() + " (" + peer.get("threads").asInt() + " threads)", torch);
            out.printf(Locale.ROOT, "| ratio emu4j/torch | %.2fx | %.2fx | %.2fx |%n",
                    ours.encodeIps() / torch.encodeIps(), ours.decodeIps() / torch.decodeIps(), ours.roundtripIps() / torch.roundtripIps());
            out.printf(Locale.ROOT, "codes equal to torch's: %.1f%%%n", 100 * agreement(codes, peer.get("codes")));
        } finally {
            try (Stream<Path> s = Files.walk(dir)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            }
        }
    }

    private static Result ours(Emu3VisionVQ vq, Tensor x, int iters, int[][] codes) {
        int n = x.size(0);
        double bestEnc = Double.MAX_VALUE, bestDec = Double.MAX_VALUE;
        try (var g = GradMode.noGrad()) {
            for (int it = 0; it <= iters; it++) {                  // pass 0 warms up
                long t0 = System.nanoTime();
                Tensor c = vq.encodeImages(x);
                long t1 = System.nanoTime();
                vq.decodeImages(c);
                long t2 = System.nanoTime();
                if (it > 0) {
                    bestEnc = Math.min(bestEnc, (t1 - t0) / 1e9);
                    bestDec = Math.min(bestDec, (t2 - t1) / 1e9);
                }
            }
        }
        int[] all = vq.encodeImages(x).toIntArray();
        int cells = all.length / n;
        for (int i = 0; i < n; i++) codes[i] = Arrays.copyOfRange(all, i * cells, (i + 1) * cells);
        return new Result(n / bestEnc, n / bestDec, n / (bestEnc + bestDec));
    }

    /** Smooth seeded images in [-1, 1]: a few low-frequency waves per channel. */
    static Tensor batch(int n, int size) {
        Rng rng = new Rng(7);
        float[] d = new float[n * 3 * size * size];
        for (int b = 0; b < n; b++) {
            for (int c = 0; c < 3; c++) {
                float fx = 1 + 4 * rng.nextFloat(), fy = 1 + 4 * rng.nextFloat(), ph = 6 * rng.nextFloat();
                for (int y = 0; y < size; y++) {
                    for (int xx = 0; xx < size; xx++) {
                        d[((b * 3 + c) * size + y) * size + xx] = (float) Math.sin(fx * xx / size * 3 + fy * y / size * 3 + ph);
                    }
                }
            }
        }
        return Tensor.of(d, n, 3, size, size);
    }

    private static JsonNode peer(Options o, Path model, Path batch) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(o.python(), o.script().toString(), "--model", model.toString(), "--batch", batch.toString(),
                "--iters", Integer.toString(o.iters()), "--threads", Integer.toString(o.peerThreads())).redirectErrorStream(true);
        pb.environment().put("OMP_NUM_THREADS", Integer.toString(o.peerThreads()));
        Process p = pb.start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int rc = p.waitFor();
        String last = text.strip().lines().reduce((a, b) -> b).orElse("");
        if (rc != 0 || !last.startsWith("{")) throw new IOException("PyTorch peer failed (exit " + rc + "): " + text.strip().lines().reduce((a, b) -> b).orElse("no output"));
        return new ObjectMapper().readTree(last);
    }

    private static double agreement(int[][] ours, JsonNode theirs) {
        int same = 0, k = 0;
        for (int[] img : ours) for (int c : img) same += c == theirs.get(k++).asInt() ? 1 : 0;
        return same / (double) k;
    }

    private static void row(PrintStream out, String name, Result r) {
        out.printf(Locale.ROOT, "| %s | %.1f | %.1f | %.1f |%n", name, r.encodeIps(), r.decodeIps(), r.roundtripIps());
    }
}
