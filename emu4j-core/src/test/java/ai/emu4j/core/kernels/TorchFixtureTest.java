package ai.emu4j.core.kernels;

import static ai.emu4j.core.kernels.TorchFixtures.assertClose;
import static ai.emu4j.core.kernels.TorchFixtures.has;
import static ai.emu4j.core.kernels.TorchFixtures.ints;
import static ai.emu4j.core.kernels.TorchFixtures.tensor;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Conv, transposed conv, interpolate and pool against PyTorch 1.13 (float64 reference, see the fixture script). */
class TorchFixtureTest {

    @Test
    void conv() {
        for (JsonNode c : TorchFixtures.cases("conv")) {
            String name = c.get("name").asText();
            float[] x = tensor(c, "x"), w = tensor(c, "w"), dy = tensor(c, "dy");
            int[] xShape = shape(c, "x");
            Conv.Geometry g = new Conv.Geometry(c.get("batch").asInt(), c.get("inChannels").asInt(), c.get("outChannels").asInt(),
                    c.get("groups").asInt(), Arrays.copyOfRange(xShape, 2, xShape.length), ints(c, "kernel"), ints(c, "stride"),
                    ints(c, "padding"), ints(c, "dilation"));
            int[] yShape = shape(c, "y");
            assertArrayEquals(Arrays.copyOfRange(yShape, 2, yShape.length), g.outSize(), name + " outSize");
            float[] b = has(c, "b") ? tensor(c, "b") : null;
            float[] y = new float[g.outputLength()], dx = new float[g.inputLength()], dw = new float[g.weightLength()];
            float[] db = b == null ? null : new float[g.outChannels()];
            Conv.forward(g, x, w, b, y);
            Conv.backwardData(g, dy, w, dx);
            Conv.backwardWeight(g, x, dy, dw, db);
            assertClose(tensor(c, "y"), y, name + " y");
            assertClose(tensor(c, "dx"), dx, name + " dx");
            assertClose(tensor(c, "dw"), dw, name + " dw");
            if (b != null) assertClose(tensor(c, "db"), db, name + " db");
            float[] yRef = new float[g.outputLength()];
            ConvReference.forward(g, x, w, b, yRef);
            assertClose(tensor(c, "y"), yRef, name + " reference y");
        }
    }

    @Test
    void convTranspose() {
        for (JsonNode c : TorchFixtures.cases("conv_transpose")) {
            String name = c.get("name").asText();
            float[] x = tensor(c, "x"), w = tensor(c, "w"), dy = tensor(c, "dy");
            int[] xShape = shape(c, "x");
            Conv.TransposedGeometry g = new Conv.TransposedGeometry(c.get("batch").asInt(), c.get("inChannels").asInt(),
                    c.get("outChannels").asInt(), c.get("groups").asInt(), Arrays.copyOfRange(xShape, 2, xShape.length),
                    ints(c, "kernel"), ints(c, "stride"), ints(c, "padding"), ints(c, "outputPadding"), ints(c, "dilation"));
            int[] yShape = shape(c, "y");
            assertArrayEquals(Arrays.copyOfRange(yShape, 2, yShape.length), g.outSize(), name + " outSize");
            float[] b = has(c, "b") ? tensor(c, "b") : null;
            float[] y = new float[g.outputLength()], dx = new float[g.inputLength()], dw = new float[g.weightLength()];
            float[] db = b == null ? null : new float[g.outChannels()];
            Conv.transposedForward(g, x, w, b, y);
            Conv.transposedBackwardData(g, dy, w, dx);
            Conv.transposedBackwardWeight(g, x, dy, dw, db);
            assertClose(tensor(c, "y"), y, name + " y");
            assertClose(tensor(c, "dx"), dx, name + " dx");
            assertClose(tensor(c, "dw"), dw, name + " dw");
            if (b != null) assertClose(tensor(c, "db"), db, name + " db");
            float[] yRef = new float[g.outputLength()];
            ConvReference.transposedForward(g, x, w, b, yRef);
            assertClose(tensor(c, "y"), yRef, name + " reference y");
        }
    }

    @Test
    void interpolate() {
        for (JsonNode c : TorchFixtures.cases("interpolate")) {
            String name = c.get("name").asText(), mode = c.get("mode").asText();
            boolean ac = c.get("alignCorners").asBoolean();
            int planes = c.get("planes").asInt();
            int[] in = ints(c, "inSize"), out = ints(c, "outSize");
            float[] x = tensor(c, "x"), dy = tensor(c, "dy");
            float[] y = new float[dy.length], dx = new float[x.length];
            switch (mode) {
                case "nearest" -> {
                    Interpolate.nearest(planes, in, out, x, y);
                    Interpolate.nearestBackward(planes, in, out, dy, dx);
                }
                case "bilinear" -> {
                    Interpolate.bilinear(planes, in[0], in[1], out[0], out[1], ac, x, y);
                    Interpolate.bilinearBackward(planes, in[0], in[1], out[0], out[1], ac, dy, dx);
                }
                case "bicubic" -> {
                    Interpolate.bicubic(planes, in[0], in[1], out[0], out[1], ac, x, y);
                    Interpolate.bicubicBackward(planes, in[0], in[1], out[0], out[1], ac, dy, dx);
                }
                default -> throw new AssertionError("unknown mode " + mode);
            }
            assertClose(tensor(c, "y"), y, name + " y");
            assertClose(tensor(c, "dx"), dx, name + " dx");
        }
    }

    @Test
    void pool() {
        for (JsonNode c : TorchFixtures.cases("pool")) {
            String name = c.get("name").asText();
            Pool.Geometry g = new Pool.Geometry(c.get("planes").asInt(), ints(c, "inSize"), ints(c, "kernel"),
                    ints(c, "stride"), ints(c, "padding"));
            float[] x = tensor(c, "x"), dy = tensor(c, "dy");
            float[] y = new float[g.outputLength()], dx = new float[g.inputLength()];
            if (c.get("op").asText().equals("avg")) {
                boolean cip = c.get("countIncludePad").asBoolean();
                Pool.avgForward(g, cip, x, y);
                Pool.avgBackward(g, cip, dy, dx);
            } else {
                int[] idx = new int[y.length];
                Pool.maxForward(g, x, y, idx);
                Pool.maxBackward(g, dy, idx, dx);
            }
            assertClose(tensor(c, "y"), y, name + " y");
            assertClose(tensor(c, "dx"), dx, name + " dx");
        }
    }

    private static int[] shape(JsonNode c, String tensor) {
        JsonNode s = c.get("tensors").get(tensor).get("shape");
        int[] r = new int[s.size()];
        for (int i = 0; i < r.length; i++) r[i] = s.get(i).asInt();
        return r;
    }
}
