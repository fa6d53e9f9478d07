package ai.emu4j.bench;

import ai.emu4j.core.autograd.GradMode;
import ai.emu4j.core.io.SafeTensorsWriter;
import ai.emu4j.core.kernels.Parallel;
import ai.emu4j.core.ops.KVCache;
import ai.emu4j.core.ops.Losses;
import ai.emu4j.core.ops.Reduce;
import ai.emu4j.core.tensor.DType;
import ai.emu4j.core.tensor.Tensor;
import ai.emu4j.core.util.Rng;
import ai.emu4j.models.llama.LlamaConfig;
import ai.emu4j.models.llama.LlamaLoader;
import ai.emu4j.models.llama.LlamaModel;
import ai.emu4j.models.llama.LlamaWeights;
import ai.emu4j.train.AdamW;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * The Llama-style decoder against the same architecture in PyTorch (tools/bench/lm_peer.py), in one run:
 * an AdamW training step (ms, lower is better), prefill and decode throughput at batch 1 with a KV cache
 * (tokens/s). Optionally the MobileLLaMA-1.4B shape with BF16 weights mapped from a file, where decode is
 * bound by memory bandwidth and is reported as GB/s of weights read per second.
 */
public final class LmBench {
    /** The 13.8M-parameter demo-sized model of baselines.md: d 384, 6 layers, 6 heads, FF 1024, vocab 4096. */
    public static final LlamaConfig DEMO = LlamaConfig.small(4096, 384, 6, 6, 6, 1024, 1024);
    /** MobileLLaMA-1.4B: 24 layers, d 2048, 16 heads, FF 5632, vocab 32000, untied. */
    public static final LlamaConfig MOBILE_LLAMA_1_4B = LlamaConfig.small(32000, 2048, 24, 16, 16, 5632, 2048);

    private final int reps;
    private final TorchPeer peer;
    private final PrintStream out;

    public LmBench(int reps, TorchPeer peer, PrintStream out) {
        this.reps = reps;
        this.peer = peer;
        this.out = out;
    }

    /** Runs the demo-model figures: training step (batch x seq), prefill of prefillTokens, decode of decodeTokens. */
    public void runDemo(int batch, int seq, int prefillTokens, int decodeTokens) {
        LlamaConfig c = DEMO;
        String arch = c.hiddenSize() + ":" + c.numHiddenLayers() + ":" + c.numAttentionHeads() + ":" + c.numKeyValueHeads() + ":"
                + c.intermediateSize() + ":" + c.vocabSize();
        out.printf("emu4j bench lm: %d threads, demo model d%d L%d H%d FF%d V%d (%.2fM params), peer: %s%n", Parallel.threads(),
                c.hiddenSize(), c.numHiddenLayers(), c.numAttentionHeads(), c.intermediateSize(), c.vocabSize(),
                params(c) / 1e6, peer == null ? "none" : peer.describe());
        out.printf("%-34s %12s %12s %8s%n", "measure", "emu4j", "torch", "ratio");
        LlamaWeights w = LlamaWeights.init(c, new Rng(0));
        LlamaModel model = new LlamaModel(c, w);

        double oursStep = trainStepMs(model, w, batch, seq);
        double theirsStep = peer == null ? Double.NaN : peer.measure("train:" + arch + ":" + batch + ":" + seq, reps);
        line("train step B" + batch + "xT" + seq + " (ms)", oursStep, theirsStep, theirsStep / oursStep);

        double oursPrefill = prefillTokensPerSecond(model, prefillTokens);
        double theirsPrefill = peer == null ? Double.NaN : peer.measure("prefill:" + arch + ":" + prefillTokens, reps);
        line("prefill " + prefillTokens + " tok (tok/s)", oursPrefill, theirsPrefill, oursPrefill / theirsPrefill);

        double oursDecode = decodeTokensPerSecond(model, decodeTokens);
        double theirsDecode = peer == null ? Double.NaN : peer.measure("decode:" + arch + ":" + decodeTokens, reps);
        line("decode " + decodeTokens + " tok, KV cache (tok/s)", oursDecode, theirsDecode, oursDecode / theirsDecode);
    }

    /**
     * Writes random BF16 weights of the MobileLLaMA-1.4B shape to a temporary model folder (about 2.7 GB),
     * maps it and decodes; prints tokens/s and the weight bytes streamed per second against the 33 GB/s
     * two-thread read bandwidth that baselines.md measured on this machine.
     */
    public void runBig(Path scratch, int decodeTokens) throws IOException {
        LlamaConfig c = MOBILE_LLAMA_1_4B;
        Path dir = Files.createTempDirectory(scratch, "emu4j-bench-1.4b");
        try {
            long bytes = writeRandomBf16(c, dir);
            try (var loaded = LlamaLoader.load(dir)) {
                LlamaModel model = loaded.model();
                double tps = decodeTokensPerSecond(model, decodeTokens);
                long embedRow = (long) c.hiddenSize() * 2;
                long perToken = bytes - (long) c.vocabSize() * embedRow + embedRow;
                double gbs = perToken * tps / 1e9;
                out.printf("%-34s %12.2f %12s %8s%n", "1.4B BF16 decode (tok/s)", tps, "-", "-");
                out.printf("%-34s %12.1f %12s %7.0f%%   of 33 GB/s (llama.cpp F16: 12.2 tok/s = 96%%)%n", "1.4B BF16 weight reads (GB/s)", gbs, "-", 100 * gbs / 33);
            }
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
            }
        }
    }

    private void line(String what, double ours, double theirs, double ratio) {
        out.printf("%-34s %12.1f %12s %8s%n", what, ours, Double.isNaN(theirs) ? "-" : String.format("%.1f", theirs),
                Double.isNaN(ratio) ? "-" : String.format("%.2fx", ratio));
        out.flush();
    }

    private static long params(LlamaConfig c) {
        return LlamaWeights.expectedShapes(c).values().stream().mapToLong(s -> Arrays.stream(s).asLongStream().reduce(1, (a, b) -> a * b)).sum();
    }

    /** Median ms of full AdamW steps (forward, cross-entropy, backward, update) after two warm-up steps. */
    double trainStepMs(LlamaModel model, LlamaWeights w, int batch, int seq) {
        Rng rng = new Rng(1);
        int vocab = model.config().vocabSize();
        int[] in = new int[batch * seq], target = new int[batch * seq];
        for (int i = 0; i < in.length; i++) {
            in[i] = rng.nextInt(vocab);
            target[i] = rng.nextInt(vocab);
        }
        Tensor ids = Tensor.ofInts(in, batch, seq), tgt = Tensor.ofInts(target, batch * seq);
        Map<String, Tensor> params = w.named();
        AdamW opt = new AdamW(params, AdamW.Config.defaults(1e-3));
        return medianMs(() -> {
            Tensor logits = model.logits(model.forward(ids, 0, null, 0f, null)).reshape(batch * seq, vocab);
            Losses.crossEntropy(logits, tgt, null, -100).backward();
            opt.step();
            params.values().forEach(Tensor::zeroGrad);
        });
    }

    double prefillTokensPerSecond(LlamaModel model, int tokens) {
        int[] ids = new int[tokens];
        try (var ng = GradMode.noGrad()) {
            double ms = medianMs(() -> {
                Tensor h = model.forward(Tensor.ofInts(ids, 1, tokens), 0, null, 0f, null);
                model.logits(h.select(1, tokens - 1));
            });
            return tokens / (ms / 1e3);
        }
    }

    /** Greedy decode after a 16-token prompt; the prompt's time is subtracted, as the peer does. */
    double decodeTokensPerSecond(LlamaModel model, int tokens) {
        int[] prompt = new int[16];
        try (var ng = GradMode.noGrad()) {
            double promptMs = medianMs(() -> model.forward(Tensor.ofInts(prompt, 1, 16), 0, model.newCaches(1, 16), 0f, null));
            double ms = medianMs(() -> {
                KVCache[] caches = model.newCaches(1, 16 + tokens);
                Tensor h = model.forward(Tensor.ofInts(prompt, 1, 16), 0, caches, 0f, null);
                for (int i = 0; i < tokens; i++) {
                    int next = Reduce.max(model.logits(h.select(1, h.shape()[1] - 1)), 1, false).indices()[0];
                    h = model.forward(Tensor.ofInts(new int[] {next}, 1, 1), 16 + i, caches, 0f, null);
                }
            });
            return tokens / (Math.max(1e-6, ms - promptMs) / 1e3);
        }
    }

    private double medianMs(Runnable body) {
        body.run();
        body.run();
        double[] t = new double[reps];
        for (int i = 0; i < reps; i++) {
            long t0 = System.nanoTime();
            body.run();
            t[i] = (System.nanoTime() - t0) / 1e6;
        }
        Arrays.sort(t);
        return t[reps / 2];
    }

    /** Random BF16 weights (N(0, 0.02)-like spread from a cheap generator; norms at 1); returns the weight bytes. */
    private static long writeRandomBf16(LlamaConfig c, Path dir) throws IOException {
        SafeTensorsWriter writer = new SafeTensorsWriter();
        long total = 0;
        long seed = 0x9E3779B97F4A7C15L;
        try (Arena arena = Arena.ofConfined()) {
            for (var e : LlamaWeights.expectedShapes(c).entrySet()) {
                int[] s = e.getValue();
                long n = Arrays.stream(s).asLongStream().reduce(1, (a, b) -> a * b);
                MemorySegment seg = arena.allocate(n * 2, 2);
                for (long i = 0; i < n; i++) {
                    seed = seed * 6364136223846793005L + 1442695040888963407L;
                    float v = s.length == 1 ? 1f : ((seed >>> 40) * 0x1.0p-24f - 0.5f) * 0.07f;
                    seg.set(ValueLayout.JAVA_SHORT_UNALIGNED, i * 2, (short) (Float.floatToRawIntBits(v) >>> 16));
                }
                writer.add(e.getKey(), DType.BF16, Arrays.stream(s).asLongStream().toArray(), seg);
                total += n * 2;
            }
            writer.write(dir.resolve("model.safetensors"));
        }
        Files.writeString(dir.resolve("config.json"), """
                {"hidden_size": %d, "num_hidden_layers": %d, "num_attention_heads": %d, "num_key_value_heads": %d,
                 "intermediate_size": %d, "vocab_size": %d, "max_position_embeddings": %d, "rms_norm_eps": 1e-5,
                 "rope_theta": 10000.0, "tie_word_embeddings": false, "hidden_act": "silu"}
                """.formatted(c.hiddenSize(), c.numHiddenLayers(), c.numAttentionHeads(), c.numKeyValueHeads(),
                c.intermediateSize(), c.vocabSize(), c.maxPositionEmbeddings()));
        return total;
    }
}
