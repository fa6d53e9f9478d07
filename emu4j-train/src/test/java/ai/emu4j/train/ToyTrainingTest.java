package ai.emu4j.train;

import ai.emu4j.core.autograd.GradMode;
import ai.emu4j.core.ops.Losses;
import ai.emu4j.core.tensor.Tensor;
import ai.emu4j.models.nn.Activation;
import ai.emu4j.models.nn.Conv2d;
import ai.emu4j.models.nn.Flatten;
import ai.emu4j.models.nn.Linear;
import ai.emu4j.models.nn.MLP;
import ai.emu4j.models.nn.MaxPool2d;
import ai.emu4j.models.nn.Module;
import ai.emu4j.models.nn.Sequential;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** End-to-end: seeded tiny models learn seeded toy tasks to stated losses, each in a few seconds. */
class ToyTrainingTest {
    /** Full-batch steps with AdamW, warm-up + cosine, clipping at 1; returns the last loss. */
    private static float train(Module model, ToyData.Set data, int steps, double lr) {
        Optimizer opt = new AdamW(model.parameters(), new AdamW.Config(lr, 0.9, 0.99, 1e-8, 1e-4));
        CosineSchedule sched = new CosineSchedule(lr, lr / 10, steps / 20, steps);
        Tensor x = data.inputs(), y = data.targets();
        float loss = Float.NaN;
        for (int step = 0; step < steps; step++) {
            opt.setLr(sched.lr(step));
            Tensor l = Losses.crossEntropy(model.forward(x), y, null, -100);
            loss = l.item();
            l.backward();
            GradClip.clipGradNorm(opt.params().values(), 1.0);
            opt.step();
            opt.zeroGrad();
        }
        return loss;
    }

    private static double accuracy(Module model, ToyData.Set data) {
        model.eval();
        try (var _ = GradMode.noGrad()) {
            float[] logits = model.forward(data.inputs()).dataF32();
            int classes = logits.length / data.size(), correct = 0;
            for (int i = 0; i < data.size(); i++) {
                int best = 0;
                for (int c = 1; c < classes; c++) if (logits[i * classes + c] > logits[i * classes + best]) best = c;
                if (best == data.y()[i]) correct++;
            }
            return (double) correct / data.size();
        } finally {
            model.train(true);
        }
    }

    @Test
    void mlpLearnsThreeSpirals() {
        Seeds seeds = Seeds.of(1);
        ToyData.Set train = ToyData.spirals(3, 100, 11);
        MLP model = new MLP(new int[] {2, 64, 64, 3}, Activation::relu, 0f, seeds.init(), null);
        long t0 = System.nanoTime();
        float loss = train(model, train, 400, 1e-2);
        double seconds = (System.nanoTime() - t0) / 1e9;
        double acc = accuracy(model, train);
        System.out.printf("spirals MLP: loss %.4f, accuracy %.3f, %.2f s%n", loss, acc, seconds);
        assertTrue(loss < 0.1, "spiral loss " + loss + " should fall below 0.1");
        assertTrue(acc >= 0.97, "spiral train accuracy " + acc);
    }

    @Test
    void convNetSeparatesBarsFromDots() {
        Seeds seeds = Seeds.of(2);
        ToyData.Set train = ToyData.bars(32, 21), test = ToyData.bars(20, 22);
        Sequential model = new Sequential(
                new Conv2d(1, 8, 3, 1, 1, seeds.init()),   // (N, 8, 8, 8)
                Activation.relu(),
                new MaxPool2d(2, 2),                        // (N, 8, 4, 4)
                new Conv2d(8, 8, 3, 2, 1, seeds.init()),   // (N, 8, 2, 2)
                Activation.relu(),
                new Flatten(),                              // (N, 32)
                new Linear(32, 3, true, seeds.init()));
        long t0 = System.nanoTime();
        float loss = train(model, train, 150, 1e-2);
        double seconds = (System.nanoTime() - t0) / 1e9;
        double acc = accuracy(model, test);
        System.out.printf("bars conv net: loss %.4f, held-out accuracy %.3f, %.2f s%n", loss, acc, seconds);
        assertTrue(loss < 0.05, "conv loss " + loss + " should fall below 0.05");
        assertTrue(acc >= 0.95, "held-out accuracy " + acc);
    }
}
