package ai.emu4j.train.vq;

import ai.emu4j.core.autograd.GradMode;
import ai.emu4j.core.tensor.Tensor;
import ai.emu4j.models.vq.Emu3VQTrainable;
import ai.emu4j.models.vq.Emu3VisionVQ;
import ai.emu4j.models.vq.RgbImage;
import ai.emu4j.models.vq.VQConfig;
import ai.emu4j.models.vq.VQImages;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Tiny config (ch 32, 8x down, 64 codes; 16x16 images, 32x32 with the discriminator) trained for a few steps: seconds. */
class VQTrainTest {
    static final VQConfig TINY = new VQConfig(32, new int[] {1, 1, 1, 1}, 1, new int[] {}, 64, 4, 4, false, 3, 3, 4, 0.0);
    @TempDir
    static Path tmp;
    static ImageFolder data, small;

    @BeforeAll
    static void images() throws IOException {
        Path dir = tmp.resolve("imgs/sub");
        Files.createDirectories(dir);
        for (int i = 0; i < 6; i++) VQImages.writePng(pattern(i, 24, 20), dir.resolve("img" + i + ".png"));
        Files.writeString(tmp.resolve("imgs/notes.txt"), "not an image");
        data = ImageFolder.load(tmp.resolve("imgs"), 32);
        small = ImageFolder.load(tmp.resolve("imgs"), 16);
    }

    /** Smooth colour gradients with a per-image phase: learnable in a few steps. */
    static RgbImage pattern(int seed, int w, int h) {
        byte[] px = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                px[(y * w + x) * 3] = (byte) (x * 255 / w);
                px[(y * w + x) * 3 + 1] = (byte) (y * 255 / h);
                px[(y * w + x) * 3 + 2] = (byte) (seed * 40);
            }
        }
        return new RgbImage(w, h, px);
    }

    static VQTrainConfig cfg(int size, long steps, double disc) {
        return new VQTrainConfig(size, 4, steps, 2e-3, 1.0, 0.0, 0.1, 1.0, 0.25, disc, 2, 8, 4, 3, 7);
    }

    @Test
    void trainingImprovesPsnrAndExportsALoadableFolder() throws IOException {
        Path out = tmp.resolve("run1");
        List<StepStats> stats = new ArrayList<>();
        VQTrainer t = VQTrainRun.run(TINY, cfg(16, 25, 0.0), small, out.resolve("model"), out.resolve("checkpoints"), false, stats::add);
        Tensor x = small.range(0, 6);
        double before = stats.getFirst().psnr();
        double after;
        try (var g = GradMode.noGrad()) {
            after = VQTrainer.psnr(t.model().forward(x), x);
        }
        assertTrue(after > before + 3, "PSNR " + before + " -> " + after);
        assertTrue(Files.isRegularFile(out.resolve("checkpoints/step-00000025/recon.png")));
        try (Emu3VisionVQ vq = Emu3VisionVQ.load(out.resolve("model")); var g = GradMode.noGrad()) {
            Tensor img = x.select(0, 0);
            Tensor rec = vq.decode(vq.encode(img).select(0, 0));
            Tensor mine = t.model().forward(x.slice(0, 0, 1)).select(0, 0);
            float[] a = rec.toFloatArray(), b = mine.toFloatArray();
            for (int i = 0; i < a.length; i++) assertEquals(b[i], a[i], 1e-3, "pixel " + i);
        }
    }

    @Test
    void perceptualLossIsZeroOnEqualImagesAndDifferentiable() {
        Tensor x = data.range(0, 2);
        assertEquals(0, PerceptualLoss.of(x, x).item(), 1e-5);
        Tensor y = x.mul(0.5f).detach().requiresGrad(true);
        Tensor loss = PerceptualLoss.of(y, x);
        assertTrue(loss.item() > 0.01, "loss " + loss.item());
        loss.backward();
        assertTrue(java.util.Arrays.stream(toDoubles(y.grad().toFloatArray())).anyMatch(v -> v != 0));
    }

    private static double[] toDoubles(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) d[i] = f[i];
        return d;
    }

    @Test
    void killAndResumeIsBitIdentical() throws IOException {
        VQTrainer straight = VQTrainRun.run(TINY, cfg(32, 8, 0.5), data, tmp.resolve("a").resolve("model"), tmp.resolve("a").resolve("checkpoints"), false, s -> {});
        VQTrainRun.run(TINY, cfg(32, 4, 0.5), data, tmp.resolve("b").resolve("model"), tmp.resolve("b").resolve("checkpoints"), false, s -> {});   // "killed" after step 4 (checkpoint at 3 and 4)
        Files.walk(tmp.resolve("b/checkpoints")).filter(p -> p.toString().endsWith("step-00000004")).findFirst().ifPresent(p -> {
            try {
                try (var s = Files.walk(p)) {
                    for (Path f : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(f);
                }
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        VQTrainer resumed = VQTrainRun.run(TINY, cfg(32, 8, 0.5), data, tmp.resolve("b").resolve("model"), tmp.resolve("b").resolve("checkpoints"), true, s -> {});
        var a = straight.model().stateDict();
        var b = resumed.model().stateDict();
        assertEquals(a.keySet(), b.keySet());
        a.forEach((k, v) -> assertArrayEquals(v.toFloatArray(), b.get(k).toFloatArray(), k));
    }

    @Test
    void decoderOnlyFineTuneKeepsEveryCodeAndImproves() throws IOException {
        Path base = tmp.resolve("dec");
        VQTrainRun.run(TINY, cfg(16, 6, 0.0), small, base.resolve("model"), base.resolve("checkpoints"), false, s -> {});
        Emu3VQTrainable before = Emu3VQTrainable.load(base.resolve("model"));
        Tensor x = small.range(0, 6);
        Emu3VQTrainable.Output first;
        try (var g = GradMode.noGrad()) {
            first = before.forward(x, false);
        }
        VQTrainer tuned = VQTrainRun.runDecoderOnly(base.resolve("model"), cfg(16, 30, 0.0), small, null, base.resolve("tuned"),
                base.resolve("tuned-checkpoints"), false, s -> {});
        Emu3VQTrainable.Output after;
        try (var g = GradMode.noGrad()) {
            after = tuned.model().forward(x, false);
        }
        assertArrayEquals(first.codes(), after.codes(), "codes unchanged");
        var was = before.stateDict();
        var now = tuned.model().stateDict();
        int decoderChanged = 0;
        for (var e : was.entrySet()) {
            boolean same = java.util.Arrays.equals(e.getValue().toFloatArray(), now.get(e.getKey()).toFloatArray());
            if (e.getKey().startsWith("decoder.") || e.getKey().startsWith("post_quant_conv.")) decoderChanged += same ? 0 : 1;
            else assertTrue(same, e.getKey() + " must stay frozen");
        }
        assertTrue(decoderChanged > 10, "decoder tensors changed: " + decoderChanged);
        double p0 = VQTrainer.psnr(first.recon(), x), p1 = VQTrainer.psnr(after.recon(), x);
        assertTrue(p1 > p0 + 1, "PSNR " + p0 + " -> " + p1);
    }
}
