package ai.emu4j.models.vq;

import ai.emu4j.core.io.SafeTensorsWriter;
import ai.emu4j.core.tensor.DType;
import ai.emu4j.core.tensor.Tensor;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Writes a standard Emu3 tokenizer folder (config.json, model.safetensors, preprocessor_config.json)
 * that {@link Emu3VisionVQ#load} and the original Python code read. The folder is built next to the
 * target and renamed into place, so a reader sees the old folder or the complete new one.
 */
public final class VQFolder {
    private static final ObjectMapper JSON = new ObjectMapper();

    private VQFolder() {}

    /**
     * @param pixels the image area the model was trained at: preprocessor min_pixels = max_pixels =
     *               pixels, so any input is resized to about that area, keeping its aspect ratio
     */
    public static void save(Path folder, VQConfig c, Map<String, Tensor> state, long pixels) throws IOException {
        Path abs = folder.toAbsolutePath();
        Files.createDirectories(abs.getParent());
        Path tmp = Files.createTempDirectory(abs.getParent(), abs.getFileName() + ".tmp");
        try {
            SafeTensorsWriter w = new SafeTensorsWriter();
            state.forEach((name, t) -> w.addFloats(name, DType.F32, Arrays.stream(t.shape()).asLongStream().toArray(), t.toFloatArray()));
            w.metadata("format", "pt");
            w.write(tmp.resolve("model.safetensors"));
            Files.writeString(tmp.resolve("config.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(config(c)));
            Files.writeString(tmp.resolve("preprocessor_config.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(preprocessor(pixels)));
            if (Files.exists(abs)) {
                Path old = Files.createTempDirectory(abs.getParent(), abs.getFileName() + ".old");
                Files.delete(old);
                Files.move(abs, old, StandardCopyOption.ATOMIC_MOVE);
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE);
                deleteTree(old);
            } else {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE);
            }
        } finally {
            if (Files.exists(tmp)) deleteTree(tmp);
        }
    }

    private static ObjectNode config(VQConfig c) {
        ObjectNode n = JSON.createObjectNode();
        n.putArray("architectures").add("Emu3VisionVQModel");
        n.put("model_type", "Emu3VisionVQ");
        n.put("ch", c.ch());
        n.set("ch_mult", JSON.valueToTree(c.ch_mult()));
        n.put("num_res_blocks", c.num_res_blocks());
        n.set("attn_resolutions", JSON.valueToTree(c.attn_resolutions()));
        n.put("codebook_size", c.codebook_size());
        n.put("embed_dim", c.embed_dim());
        n.put("z_channels", c.z_channels());
        n.put("double_z", c.double_z());
        n.put("in_channels", c.in_channels());
        n.put("out_channels", c.out_channels());
        n.put("temporal_downsample_factor", c.temporal_downsample_factor());
        n.put("dropout", c.dropout());
        n.put("torch_dtype", "float32");
        return n;
    }

    private static ObjectNode preprocessor(long pixels) {
        VQImageProcessor hub = VQImageProcessor.hub();
        ObjectNode n = JSON.createObjectNode();
        n.put("image_processor_type", "Emu3VisionVQImageProcessor");
        n.put("do_convert_rgb", true);
        n.put("do_resize", true);
        n.put("resample", hub.resample());
        n.put("do_rescale", true);
        n.put("rescale_factor", hub.rescale_factor());
        n.put("do_normalize", true);
        n.set("image_mean", JSON.valueToTree(hub.image_mean()));
        n.set("image_std", JSON.valueToTree(hub.image_std()));
        n.put("min_pixels", pixels);
        n.put("max_pixels", pixels);
        n.put("spatial_factor", hub.spatial_factor());
        return n;
    }

    static void deleteTree(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
