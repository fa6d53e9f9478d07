package ai.emu4j.core.autograd;

import ai.emu4j.core.ops.Elementwise;
import ai.emu4j.core.ops.Reduce;
import ai.emu4j.core.ops.Unary;
import ai.emu4j.core.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BackpropTest {
    private static final float[] X = {0.5f, -1.25f, 2f, 3.5f};

    @Test
    void twoBackwardCallsAccumulateIntoLeafGradients() {
        Tensor w = Tensor.of(X.clone(), 2, 2).requiresGrad(true);
        Tensor a = Tensor.of(new float[] {1, 2, 3, 4}, 2, 2), b = Tensor.of(new float[] {-1, 0.5f, 0, 2}, 2, 2);
        Reduce.sum(Elementwise.mul(w, a)).backward();
        float[] first = w.grad().toFloatArray();
        assertArrayEquals(new float[] {1, 2, 3, 4}, first);
        Reduce.sum(Elementwise.mul(w, b)).backward();
        assertArrayEquals(new float[] {0, 2.5f, 3, 6}, w.grad().toFloatArray());
        // The first result must have been a copy, not the buffer that the second call then mutated.
        assertArrayEquals(new float[] {1, 2, 3, 4}, first);
        w.zeroGrad();
        assertNull(w.grad());
        Reduce.sum(Elementwise.mul(w, b)).backward();
        assertArrayEquals(b.toFloatArray(), w.grad().toFloatArray());
    }

    @Test
    void seedTensorIsNotAliasedByTheLeafGradient() {
        Tensor x = Tensor.of(X.clone()).requiresGrad(true);
        Tensor seed = Tensor.of(new float[] {1, 2, 3, 4});
        Views(x).backward(seed);
        Views(x).backward(seed);
        assertArrayEquals(new float[] {1, 2, 3, 4}, seed.toFloatArray());
        assertArrayEquals(new float[] {2, 4, 6, 8}, x.grad().toFloatArray());
    }

    private static Tensor Views(Tensor x) {
        return x.reshape(2, 2).transpose(0, 1).contiguous().transpose(0, 1).reshape(4);
    }

    @Test
    void noGradRecordsNothingAndRestoresTheMode() {
        Tensor x = Tensor.of(X.clone()).requiresGrad(true);
        try (var g = GradMode.noGrad()) {
            assertFalse(GradMode.isEnabled());
            Tensor y = Unary.exp(Elementwise.mul(x, x)).reshape(2, 2).sum(0, false);
            assertNull(y.gradFn());
            assertFalse(y.requiresGrad());
            assertThrows(IllegalStateException.class, () -> Reduce.sum(y).backward());
            try (var e = GradMode.enableGrad()) {
                assertNotNull(Elementwise.mul(x, x).gradFn());
            }
            assertFalse(GradMode.isEnabled());
        }
        assertTrue(GradMode.isEnabled());
        assertNull(x.grad());
    }

    @Test
    void sharedSubexpressionsSumTheirGradients() {
        Tensor x = Tensor.of(X.clone()).requiresGrad(true);
        // y = x*x + x, x read three times: dy/dx = 2x + 1.
        Reduce.sum(Elementwise.add(Elementwise.mul(x, x), x)).backward();
        float[] g = x.grad().toFloatArray();
        for (int i = 0; i < X.length; i++) assertEquals(2 * X[i] + 1, g[i], 1e-6f);

        // Diamond: h = exp(x) feeds both operands; d(h*h + h)/dx = (2h + 1) h.
        Tensor z = Tensor.of(X.clone()).requiresGrad(true);
        Tensor h = Unary.exp(z);
        Reduce.sum(Elementwise.add(Elementwise.mul(h, h), h)).backward();
        float[] gz = z.grad().toFloatArray();
        for (int i = 0; i < X.length; i++) {
            double e = Math.exp(X[i]);
            assertEquals((2 * e + 1) * e, gz[i], 1e-5 * (2 * e + 1) * e);
        }

        // Same storage through two different views of one leaf.
        Tensor m = Tensor.of(X.clone(), 2, 2).requiresGrad(true);
        Reduce.sum(Elementwise.mul(m, m.transpose(0, 1))).backward();
        assertArrayEquals(new float[] {2 * X[0], 2 * X[2], 2 * X[1], 2 * X[3]}, m.grad().toFloatArray(), 1e-6f);
    }

    @Test
    void shapesAreChecked() {
        Tensor x = Tensor.of(X.clone(), 2, 2).requiresGrad(true);
        Tensor y = Elementwise.mulScalar(x, 3f);
        assertThrows(IllegalArgumentException.class, () -> y.backward(Tensor.ones(4)));
        assertThrows(IllegalStateException.class, y::backward, "backward() without a seed needs one element");
        assertThrows(IllegalStateException.class, () -> Tensor.ones(1).backward(), "tensor outside any graph");
        assertThrows(IllegalStateException.class, () -> y.requiresGrad(true), "requiresGrad on a non-leaf");

        Tensor bad = Tensor.zeros(2, 2).recordOp("bad_shape", new Tensor[] {x}, g -> new Tensor[] {Tensor.zeros(4)});
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> bad.backward(Tensor.ones(2, 2)));
        assertTrue(e.getMessage().contains("bad_shape"), e.getMessage());

        Tensor ok = Elementwise.mulScalar(x, 3f);
        ok.backward(Tensor.ones(2, 2));
        assertArrayEquals(new int[] {2, 2}, x.grad().shape());
    }

    @Test
    void onlyInputsThatRequireGradReceiveOne() {
        Tensor w = Tensor.of(X.clone()).requiresGrad(true);
        Tensor c = Tensor.of(X.clone());
        Reduce.sum(Elementwise.mul(w, c)).backward();
        assertNotNull(w.grad());
        assertNull(c.grad());
    }

    @Test
    void graphIsReleasedAfterBackward() {
        Tensor x = Tensor.of(X.clone()).requiresGrad(true);
        Tensor mid = Unary.tanh(x);
        Tensor loss = Reduce.sum(mid);
        loss.backward();
        assertNull(loss.gradFn());
        assertNull(mid.gradFn());
    }

    @Test
    void secondBackwardThroughAFreedGraphFailsInsteadOfDroppingGradients() {
        Tensor x = Tensor.of(X.clone()).requiresGrad(true);
        Tensor h = Unary.tanh(x);
        Reduce.sum(h).backward();
        float[] first = x.grad().toFloatArray();
        // h's graph is gone; a silent pass would treat h as a leaf and never reach x.
        Tensor second = Reduce.sum(Elementwise.mul(h, h));
        assertThrows(IllegalStateException.class, second::backward);
        assertArrayEquals(first, x.grad().toFloatArray());
        assertNull(h.grad());

        Tensor loss = Reduce.sum(Unary.exp(x));
        loss.backward();
        assertThrows(IllegalStateException.class, loss::backward);

        // The supported way to reuse a value across graphs: detach it into a fresh leaf.
        Tensor d = h.detach().requiresGrad(true);
        Reduce.sum(Elementwise.mul(d, d)).backward();
        assertNotNull(d.grad());
    }

    @Test
    void deepChainsDoNotOverflowTheStack() {
        Tensor x = Tensor.scalar(1f).requiresGrad(true);
        Tensor y = x;
        for (int i = 0; i < 20_000; i++) y = Elementwise.addScalar(y, 1e-4f);
        y.backward();
        assertEquals(1f, x.grad().item());
    }
}
