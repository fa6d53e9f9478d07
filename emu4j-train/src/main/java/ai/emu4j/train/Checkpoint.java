package ai.emu4j.train;

import ai.emu4j.core.io.SafeTensors;
import ai.emu4j.core.io.SafeTensorsFile;
import ai.emu4j.core.io.SafeTensorsWriter;
import ai.emu4j.core.io.TensorEntry;
import ai.emu4j.core.tensor.DType;
import ai.emu4j.core.tensor.Tensor;
import ai.emu4j.core.util.Rng;
import ai.emu4j.models.nn.Module;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * A training checkpoint as ONE safetensors file: weights under "model.<name>", optimizer arrays under
 * "optim.<param>.<slot>" (all F32, so values round-trip bit for bit), and a JSON document in the
 * header metadata (key {@value #METADATA_KEY}) with the step, every Rng state as four longs, the
 * optimizer's kind, config, learning rate and counters, the schedule and caller metadata.
 * One file means one atomic rename: a reader sees the previous checkpoint or the new one, never a mix
 * of new weights with old optimizer state. Cost: one extra copy of weights and state in heap while
 * writing (the writer copies them straight into the mapped output).
 */
public final class Checkpoint {
    public static final String METADATA_KEY = "emu4j.checkpoint";
    private static final int VERSION = 1;
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private Checkpoint() {}

    /** What {@link #load} restores besides the objects it fills in place. schedule may be null. */
    public record Restored(long step, CosineSchedule schedule, Map<String, String> extra) {}

    /**
     * Writes atomically: a temporary file in the target's folder, forced to disk, then renamed over
     * the target (and the folder forced so the rename survives a crash). On any failure the temporary
     * file is removed and the previous checkpoint at file is untouched.
     *
     * @param step     the number of optimizer steps taken, i.e. the step a resumed run starts at
     * @param rngs     every random stream the run draws from, by name (see {@link Seeds#byName()})
     * @param schedule may be null
     */
    public static void save(Path file, Module model, Optimizer optimizer, long step, Map<String, Rng> rngs,
                            CosineSchedule schedule, Map<String, String> extra) throws IOException {
        SafeTensorsWriter w = new SafeTensorsWriter();
        // addFloats copies into its own little-endian buffer, so training may go on mutating the sources.
        model.stateDict().forEach((name, t) -> w.addFloats("model." + name, DType.F32, longs(t.shape()), t.dataF32()));
        optimizer.stateArrays().forEach((key, a) -> w.addFloats("optim." + key, DType.F32, new long[] {a.length}, a));

        ObjectNode meta = JSON.createObjectNode();
        meta.put("version", VERSION);
        meta.put("step", step);
        ObjectNode rngNode = meta.putObject("rng");
        rngs.forEach((name, r) -> rngNode.set(name, JSON.valueToTree(r.state())));
        ObjectNode opt = meta.putObject("optimizer");
        opt.put("kind", optimizer.getClass().getSimpleName());
        opt.set("config", JSON.valueToTree(optimizer.config()));
        opt.put("lr", optimizer.lr());
        opt.set("counters", JSON.valueToTree(optimizer.stateCounters()));
        meta.set("schedule", schedule == null ? null : JSON.valueToTree(schedule));
        meta.set("extra", JSON.valueToTree(extra));
        w.metadata(METADATA_KEY, JSON.writeValueAsString(meta));

        w.write(file);
        forceDirectory(file.toAbsolutePath().getParent());
    }

    /**
     * Restores model weights, optimizer state and learning rate, and the named Rngs in place, from a
     * checkpoint written by {@link #save}. Build the model and optimizer exactly as for the saved run
     * (init values do not matter, they are overwritten); a different optimizer kind or config, a
     * different set of Rng names, or any tensor name or shape mismatch is an error naming the culprit.
     * Every check runs before anything is modified, so a rejected checkpoint leaves all as it was.
     */
    public static Restored load(Path file, Module model, Optimizer optimizer, Map<String, Rng> rngs) throws IOException {
        try (SafeTensorsFile st = SafeTensors.open(file)) {
            String text = st.metadata().get(METADATA_KEY);
            if (text == null) throw new IOException(file + ": not an emu4j checkpoint (no \"" + METADATA_KEY + "\" metadata)");
            JsonNode meta = JSON.readTree(text);
            if (meta.path("version").asInt() != VERSION) throw new IOException(file + ": checkpoint version " + meta.path("version") + ", this build reads " + VERSION);

            JsonNode opt = need(meta, "optimizer", file);
            String kind = optimizer.getClass().getSimpleName();
            String savedKind = need(opt, "kind", file).asText();
            if (!kind.equals(savedKind)) throw new IllegalArgumentException("checkpoint holds " + savedKind + " state, the optimizer given is " + kind);
            Record savedConfig = JSON.treeToValue(need(opt, "config", file), optimizer.config().getClass());
            if (!savedConfig.equals(optimizer.config())) throw new IllegalArgumentException("checkpoint optimizer config " + savedConfig + " differs from the one built: " + optimizer.config());

            JsonNode rngNode = need(meta, "rng", file);
            TreeSet<String> saved = new TreeSet<>();
            rngNode.fieldNames().forEachRemaining(saved::add);
            if (!saved.equals(new TreeSet<>(rngs.keySet()))) throw new IllegalArgumentException("checkpoint has Rng streams " + saved + ", caller gave " + new TreeSet<>(rngs.keySet()));
            Map<String, long[]> states = new LinkedHashMap<>();
            for (String name : saved) {
                long[] s = JSON.treeToValue(rngNode.get(name), long[].class);
                if (s == null || s.length != 4) throw new IOException(file + ": Rng \"" + name + "\" state must be 4 longs");
                states.put(name, s);
            }

            Map<String, Tensor> weights = new LinkedHashMap<>();
            Map<String, float[]> arrays = new LinkedHashMap<>();
            for (TensorEntry e : st.entries()) {
                if (e.dtype() != DType.F32) throw new IOException(file + ": tensor \"" + e.name() + "\" is " + e.dtypeName() + ", checkpoints hold F32");
                Tensor t = Tensor.fromSegment(st.data(e), DType.F32, ints(e.shape()));
                if (e.name().startsWith("model.")) weights.put(e.name().substring(6), t);
                else if (e.name().startsWith("optim.")) arrays.put(e.name().substring(6), t.toFloatArray());
                else throw new IOException(file + ": unexpected tensor \"" + e.name() + "\"");
            }
            Map<String, Long> counters = JSON.readerFor(new TypeReference<Map<String, Long>>() {}).readValue(need(opt, "counters", file));

            double lr = need(opt, "lr", file).asDouble();
            JsonNode sched = meta.get("schedule");
            CosineSchedule schedule = sched == null || sched.isNull() ? null : JSON.treeToValue(sched, CosineSchedule.class);
            Map<String, String> extra = JSON.readerFor(new TypeReference<Map<String, String>>() {}).readValue(need(meta, "extra", file));
            Restored restored = new Restored(need(meta, "step", file).asLong(), schedule, extra);

            optimizer.checkState(arrays, counters);
            model.loadStateDict(weights);
            optimizer.loadState(arrays, counters);
            optimizer.setLr(lr);
            states.forEach((name, s) -> rngs.get(name).setState(s));
            return restored;
        } catch (JsonProcessingException e) {
            throw new IOException(file + ": malformed checkpoint metadata: " + e.getMessage(), e);
        }
    }

    private static JsonNode need(JsonNode node, String field, Path file) throws IOException {
        JsonNode v = node.get(field);
        if (v == null) throw new IOException(file + ": checkpoint metadata lacks \"" + field + "\"");
        return v;
    }

    /** fsync on the folder makes the rename itself durable on Linux; elsewhere it may be refused, which costs nothing. */
    private static void forceDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // Not all platforms can open a directory for fsync; the file itself is already forced.
        }
    }

    private static long[] longs(int[] shape) {
        return Arrays.stream(shape).asLongStream().toArray();
    }

    private static int[] ints(long[] shape) {
        int[] out = new int[shape.length];
        for (int i = 0; i < shape.length; i++) out[i] = Math.toIntExact(shape[i]);
        return out;
    }
}
