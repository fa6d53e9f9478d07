package ai.emu4j.models.vq;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.emu4j.core.io.SafeTensorsWriter;
import ai.emu4j.core.tensor.DType;
import ai.emu4j.core.tensor.Tensor;
import ai.emu4j.core.util.Rng;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The published config (ch 256, ch_mult [1,2,2,4], codebook 32768 x 4, ~270M parameters) built from
 * random F32 weights written to a temporary model.safetensors (1.08 GB, mapped zero-copy), then a
 * full-size image through preprocess -> encode -> decode -> postprocess.
 * <p>
 * Tagged "slow" and excluded from the default build (emu4j-models/pom.xml). Run it with
 * <pre>
 * mvn -B -q -o -pl emu4j-models -am install -Dtest=PublishedConfigSlowTest -Dsurefire.failIfNoSpecifiedTests=false \
 *     -DexcludedGroups=none -Dgroups=slow [-Demu4j.vq.slowSize=512]
 * </pre>
 * It prints the timings and an upper bound on the peak heap (the sum of the heap pools' peaks).
 */
@Tag("slow")
class PublishedConfigSlowTest {
    @Test
    void publishedConfigRoundTripsAnImageInBoundedMemory(@TempDir Path dir) throws IOException {
        int size = Integer.getInteger("emu4j.vq.slowSize", 512);
        VQConfig c = VQConfig.published();
        long t0 = System.nanoTime();
        writeRandomCheckpoint(c, dir);
        long t1 = System.nanoTime();

        byte[] rgb = new byte[size * size * 3];
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                int o = (y * size + x) * 3;
                rgb[o] = (byte) (255 * x / size);
                rgb[o + 1] = (byte) (255 * y / size);
                rgb[o + 2] = (byte) ((x / 32 + y / 32) % 2 == 0 ? 40 : 220);
            }
        }
        System.gc();
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) if (p.getType() == MemoryType.HEAP) p.resetPeakUsage();
        VQImageProcessor proc = VQImageProcessor.hub().withPixels((long) size * size, 1024 * 1024);
        try (Emu3VisionVQ model = Emu3VisionVQ.load(dir)) {
            long t2 = System.nanoTime();
            Tensor pixels = proc.preprocess(new RgbImage(size, size, rgb));             // (3, size, size)
            Tensor codes = model.encode(pixels);                                       // (1, size/8, size/8)
            long t3 = System.nanoTime();
            Tensor decoded = model.decodeImage(codes);                                 // (3, size, size)
            long t4 = System.nanoTime();
            RgbImage out = proc.postprocess(decoded);
            assertArrayEquals(new int[] {1, size / 8, size / 8}, codes.shape());
            for (int code : codes.toIntArray()) assertTrue(code >= 0 && code < c.codebook_size());
            assertEquals(size, out.width());
            assertEquals(size, out.height());
            for (float v : decoded.toFloatArray()) assertTrue(Float.isFinite(v), "decoded pixels must be finite");
            long peak = 0;
            for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) if (p.getType() == MemoryType.HEAP) peak += p.getPeakUsage().getUsed();
            System.out.printf("published config %dx%d: write weights %.1f s, load %.2f s, encode %.1f s, decode %.1f s, peak heap <= %d MB (max %d MB), threads %d%n",
                    size, size, (t1 - t0) / 1e9, (t2 - t1) / 1e9, (t3 - t2) / 1e9, (t4 - t3) / 1e9, peak >> 20,
                    Runtime.getRuntime().maxMemory() >> 20, Runtime.getRuntime().availableProcessors());
        }
    }

    /** Random weights at PyTorch-default-like scales (uniform +-1/sqrt(fan_in)), unit norms, neutral BN statistics. */
    private static void writeRandomCheckpoint(VQConfig c, Path dir) throws IOException {
        Files.writeString(dir.resolve("config.json"), "{\"ch\": " + c.ch() + ", \"ch_mult\": " + Arrays.toString(c.ch_mult())
                + ", \"num_res_blocks\": " + c.num_res_blocks() + ", \"attn_resolutions\": " + Arrays.toString(c.attn_resolutions())
                + ", \"codebook_size\": " + c.codebook_size() + ", \"embed_dim\": " + c.embed_dim() + ", \"z_channels\": " + c.z_channels()
                + ", \"double_z\": false, \"in_channels\": 3, \"out_channels\": 3, \"temporal_downsample_factor\": "
                + c.temporal_downsample_factor() + ", \"dropout\": 0.0}");
        Rng rng = new Rng(42);
        SafeTensorsWriter w = new SafeTensorsWriter();
        for (Map.Entry<String, int[]> e : Emu3VisionVQ.parameterShapes(c).entrySet()) {
            String name = e.getKey();
            int[] shape = e.getValue();
            float[] v = new float[Math.toIntExact(Arrays.stream(shape).asLongStream().reduce(1, Math::multiplyExact))];
            boolean norm = name.matches(".*(norm[12]?|norm_out|norm_layer)\\.(weight|bias)$") || name.endsWith("running_mean") || name.endsWith("running_var");
            if (norm) {
                if (name.endsWith(".weight") || name.endsWith("running_var")) Arrays.fill(v, 1f);
            } else if (name.equals("quantize.embedding.weight")) {
                for (int i = 0; i < v.length; i++) v[i] = 2 * rng.nextFloat() - 1;
            } else {
                int fanIn = shape.length == 1 ? 1 : v.length / shape[0];
                float bound = (float) (1 / Math.sqrt(fanIn));
                if (shape.length > 1) for (int i = 0; i < v.length; i++) v[i] = bound * (2 * rng.nextFloat() - 1);
            }
            w.addFloats(name, DType.F32, Arrays.stream(shape).asLongStream().toArray(), v);
        }
        w.write(dir.resolve("model.safetensors"));
    }
}
