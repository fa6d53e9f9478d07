package ai.emu4j.models.llama;

import ai.emu4j.core.io.ModelWeights;
import ai.emu4j.core.tensor.Tensor;
import ai.emu4j.models.io.WeightBinder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Opens a Hugging Face folder (config.json plus model.safetensors or a sharded index) as a
 * {@link LlamaModel}. Weights stay mapped; the returned handle owns the mapping.
 */
public final class LlamaLoader {
    private LlamaLoader() {}

    /** A loaded model and the file mapping its weights live in; close it to unmap. */
    public record Loaded(LlamaModel model, ModelWeights files) implements AutoCloseable {
        @Override
        public void close() {
            files.close();
        }
    }

    public static Loaded load(Path folder) throws IOException {
        Path configFile = folder.resolve("config.json");
        if (!Files.isRegularFile(configFile)) throw new NoSuchFileException(configFile.toString(), null, "no config.json in the model folder");
        LlamaConfig config = LlamaConfig.read(configFile);
        ModelWeights files = ModelWeights.open(folder);
        try {
            Map<String, Tensor> named = WeightBinder.bind(files, LlamaWeights.expectedShapes(config), LlamaLoader::canonicalName,
                    name -> name.endsWith(".rotary_emb.inv_freq") || name.startsWith("model.vqmodel.") || name.startsWith("vqmodel."));
            return new Loaded(new LlamaModel(config, LlamaWeights.fromNamed(config, named)), files);
        } catch (IOException | RuntimeException e) {
            files.close();
            throw e;
        }
    }

    /**
     * Emu3's transformers port nests the language model: model.text_model.* and lm_head.* (newer
     * releases) or text_model.model.* and text_model.lm_head.* (4.48); both map onto the plain names.
     */
    static String canonicalName(String name) {
        if (name.startsWith("model.text_model.")) return "model." + name.substring("model.text_model.".length());
        if (name.startsWith("text_model.model.")) return name.substring("text_model.".length());
        if (name.equals("text_model.lm_head.weight")) return "lm_head.weight";
        return name;
    }
}
