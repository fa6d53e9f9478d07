package ai.emu4j.models.vq;

import ai.emu4j.core.io.SafeTensorsWriter;
import ai.emu4j.core.tensor.DType;
import ai.emu4j.core.util.Rng;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * Writes an untrained vision tokenizer folder (config.json + model.safetensors in the original Emu3
 * layout) with seeded random weights: PyTorch-default-like scales (uniform +-1/sqrt(fan_in)), unit
 * norms, neutral BatchNorm statistics, codebook uniform in [-1, 1]. Its codes carry little meaning, but
 * it exercises the whole LM pipeline (encode, train, generate, decode) without the 1 GB released tokenizer.
 */
public final class RandomVQ {
    private RandomVQ() {}

    public static void write(VQConfig c, Path dir, long seed) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("config.json"), "{\"architectures\": [\"Emu3VisionVQModel\"], \"model_type\": \"Emu3VisionVQ\", \"ch\": " + c.ch()
                + ", \"ch_mult\": " + Arrays.toString(c.ch_mult()) + ", \"num_res_blocks\": " + c.num_res_blocks()
                + ", \"attn_resolutions\": " + Arrays.toString(c.attn_resolutions()) + ", \"codebook_size\": " + c.codebook_size()
                + ", \"embed_dim\": " + c.embed_dim() + ", \"z_channels\": " + c.z_channels() + ", \"double_z\": false, \"in_channels\": "
                + c.in_channels() + ", \"out_channels\": " + c.out_channels() + ", \"temporal_downsample_factor\": "
                + c.temporal_downsample_factor() + ", \"dropout\": " + c.dropout() + "}\n");
        Rng rng = new Rng(seed);
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
            } else if (shape.length > 1) {
                float bound = (float) (1 / Math.sqrt((double) v.length / shape[0]));
                for (int i = 0; i < v.length; i++) v[i] = bound * (2 * rng.nextFloat() - 1);
            }
            w.addFloats(name, DType.F32, Arrays.stream(shape).asLongStream().toArray(), v);
        }
        w.write(dir.resolve("model.safetensors"));
    }
}
