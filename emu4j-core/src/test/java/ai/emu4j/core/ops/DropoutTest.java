package ai.emu4j.core.ops;

import ai.emu4j.core.tensor.Tensor;
import ai.emu4j.core.util.Rng;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Dropout is random, so it is checked by its statistics rather than against PyTorch's stream. */
class DropoutTest {
    private static final int N = 20_000;

    @Test
    void zeroesAboutPAndPreservesTheMean() {
        for (float p : new float[] {0.1f, 0.3f, 0.5f, 0.9f}) {
            Tensor x = Tensor.ones(N);
            float[] y = Dropout.dropout(x, p, true, new Rng(3)).toFloatArray();
            int zeros = 0;
            double sum = 0;
            for (float v : y) {
                if (v == 0) zeros++;
                else assertEquals(1f / (1f - p), v, 1e-6f, "survivors are scaled by 1/(1-p)");
                sum += v;
            }
            // Five standard deviations of the binomial count and of the sample mean.
            double frac = zeros / (double) N, sdFrac = Math.sqrt(p * (1 - p) / N);
            assertEquals(p, frac, 5 * sdFrac, "zero fraction at p=" + p);
            double sdMean = Math.sqrt(p / (1 - p) / N);
            assertEquals(1.0, sum / N, 5 * sdMean, "mean at p=" + p);
        }
    }

    @Test
    void gradientUsesTheSameMask() {
        Tensor x = Tensor.ones(1000).requiresGrad(true);
        Tensor y = Dropout.dropout(x, 0.4f, true, new Rng(8));
        y.sum().backward();
        assertArrayEquals(y.toFloatArray(), x.grad().toFloatArray());
    }

    @Test
    void identityWhenPIsZeroOrInEval() {
        Tensor x = Tensor.randn(new Rng(1), 7, 3);
        assertSame(x, Dropout.dropout(x, 0f, true, new Rng(2)));
        assertSame(x, Dropout.dropout(x, 0.5f, false, new Rng(2)));
    }

    @Test
    void pOneZeroesEverythingAndBadPIsRejected() {
        assertArrayEquals(new float[13], Dropout.dropout(Tensor.randn(new Rng(4), 13), 1f, true, new Rng(5)).toFloatArray(), 0f);
        assertThrows(IllegalArgumentException.class, () -> Dropout.dropout(Tensor.ones(3), -0.1f, true, new Rng(1)));
        assertThrows(IllegalArgumentException.class, () -> Dropout.dropout(Tensor.ones(3), Float.NaN, true, new Rng(1)));
    }

    @Test
    void sameSeedSameMaskOtherSeedOtherMask() {
        Tensor x = Tensor.ones(500);
        float[] a = Dropout.dropout(x, 0.5f, true, new Rng(42)).toFloatArray();
        float[] b = Dropout.dropout(x, 0.5f, true, new Rng(42)).toFloatArray();
        float[] c = Dropout.dropout(x, 0.5f, true, new Rng(43)).toFloatArray();
        assertArrayEquals(a, b);
        assertFalse(java.util.Arrays.equals(a, c));
    }
}
