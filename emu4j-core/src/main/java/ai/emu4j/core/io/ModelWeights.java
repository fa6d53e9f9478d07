package ai.emu4j.core.io;

import static ai.emu4j.core.io.Json.quote;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.TreeMap;

/**
 * A model's weights: one safetensors file, or a folder holding {@code model.safetensors} or a
 * sharded {@code model.safetensors.index.json} (the single file wins when both exist, as in
 * transformers). Opening reads and cross-checks every header but maps nothing; each shard is mapped
 * once, on the first access to one of its tensors, so listing a 100 GB model costs only its headers.
 * <p>
 * Index and shards must agree exactly: a listed tensor missing from its shard, and a tensor in a
 * shard that the index does not list, are both errors. Ignoring the latter would let a stale or
 * mixed-up checkpoint load silently with some tensors from the wrong shard.
 */
public final class ModelWeights implements AutoCloseable {
    /** One tensor with its shard's file name and its bytes (a slice of the shard's mapping). */
    public record Weight(TensorEntry entry, String shard, MemorySegment data) {}

    private final Path source;
    private final boolean sharded;
    private final Map<String, Shard> shards;
    private final Map<String, Shard> shardOf;
    private final Map<String, TensorEntry> entries;
    private final List<TensorEntry> entryList;
    private final Map<String, String> metadata;
    private boolean closed;

    private ModelWeights(Path source, boolean sharded, Map<String, Shard> shards, Map<String, String> metadata) {
        this.source = source;
        this.sharded = sharded;
        this.shards = shards;
        this.metadata = metadata;
        this.shardOf = new HashMap<>();
        this.entries = new LinkedHashMap<>();
        for (Shard s : shards.values()) {
            for (TensorEntry e : s.header.entries()) {
                entries.put(e.name(), e);
                shardOf.put(e.name(), s);
            }
        }
        this.entryList = List.copyOf(entries.values());
    }

    public static ModelWeights open(Path fileOrFolder) throws IOException {
        if (!Files.exists(fileOrFolder)) throw new NoSuchFileException(fileOrFolder.toString());
        if (Files.isDirectory(fileOrFolder)) {
            Path single = fileOrFolder.resolve("model.safetensors");
            if (Files.exists(single)) return single(fileOrFolder, single);
            Path index = fileOrFolder.resolve(ShardIndex.FILE_NAME);
            if (Files.exists(index)) return indexed(fileOrFolder, index);
            throw new SafeTensorsException(fileOrFolder + ": folder has neither model.safetensors nor " + ShardIndex.FILE_NAME);
        }
        if (fileOrFolder.getFileName().toString().endsWith(".index.json")) return indexed(fileOrFolder, fileOrFolder);
        return single(fileOrFolder, fileOrFolder);
    }

    private static ModelWeights single(Path source, Path file) throws IOException {
        Shard s = new Shard(SafeTensors.sourceName(file), file, SafeTensors.readHeader(file));
        return new ModelWeights(source, false, Map.of(s.name, s), s.header.metadata());
    }

    private static ModelWeights indexed(Path source, Path indexFile) throws IOException {
        ShardIndex index = ShardIndex.read(indexFile);
        String indexName = SafeTensors.sourceName(indexFile);
        Map<String, Shard> shards = new TreeMap<>();
        for (String name : index.weightMap().values()) {
            if (!shards.containsKey(name)) {
                Path file = index.folder().resolve(name);
                shards.put(name, new Shard(name, file, SafeTensors.readHeader(file)));
            }
        }
        for (Map.Entry<String, String> kv : index.weightMap().entrySet()) {
            Shard s = shards.get(kv.getValue());
            if (!s.names.contains(kv.getKey())) {
                throw new SafeTensorsException(indexName + ": tensor " + quote(kv.getKey()) + " is mapped to shard "
                        + quote(s.name) + ", which does not contain it");
            }
        }
        for (Shard s : shards.values()) {
            for (TensorEntry e : s.header.entries()) {
                if (!s.name.equals(index.weightMap().get(e.name()))) {
                    throw new SafeTensorsException(s.name + ": tensor " + quote(e.name()) + " is not mapped to this shard by "
                            + indexName + " (stale or mixed checkpoint?)");
                }
            }
        }
        return new ModelWeights(source, true, Collections.unmodifiableMap(shards), index.metadata());
    }

    /** The file or folder this was opened from. */
    public Path source() {
        return source;
    }

    /** True when the weights came through an index, even one naming a single shard. */
    public boolean sharded() {
        return sharded;
    }

    /** Shard file names, sorted; one entry (the file's name) for a single file. */
    public List<String> shardNames() {
        return List.copyOf(shards.keySet());
    }

    /** Every tensor, shard by shard in shard-name order, each shard in its header order. */
    public List<TensorEntry> entries() {
        return entryList;
    }

    public boolean contains(String name) {
        return entries.containsKey(name);
    }

    public TensorEntry entry(String name) {
        TensorEntry e = entries.get(name);
        if (e == null) throw new NoSuchElementException(source + ": no tensor named " + quote(name));
        return e;
    }

    public String shardOf(String name) {
        entry(name);
        return shardOf.get(name).name;
    }

    /** The index's metadata for a sharded model, else the file's {@code __metadata__}. */
    public Map<String, String> metadata() {
        return metadata;
    }

    public long parameterCount() {
        long n = 0;
        for (TensorEntry e : entryList) n = Math.addExact(n, e.numel());
        return n;
    }

    /** The tensor's bytes; maps its shard on first use. */
    public MemorySegment data(String name) throws IOException {
        return weight(name).data();
    }

    public Weight weight(String name) throws IOException {
        TensorEntry e = entry(name);
        Shard s = shardOf.get(name);
        return new Weight(e, s.name, s.mapped(this).data(e));
    }

    /** Unmaps every mapped shard; segments handed out before become unusable. */
    @Override
    public synchronized void close() {
        closed = true;
        for (Shard s : shards.values()) s.close();
    }

    private synchronized void checkOpen() {
        if (closed) throw new IllegalStateException(source + ": model weights are closed");
    }

    private static final class Shard {
        final String name;
        final Path file;
        final SafeTensorsHeader header;
        final Set<String> names;
        private SafeTensorsFile mapped;

        Shard(String name, Path file, SafeTensorsHeader header) {
            this.name = name;
            this.file = file;
            this.header = header;
            this.names = header.entries().stream().map(TensorEntry::name).collect(Collectors.toSet());
        }

        synchronized SafeTensorsFile mapped(ModelWeights owner) throws IOException {
            owner.checkOpen();
            if (mapped == null) {
                SafeTensorsFile f = SafeTensors.open(file);
                if (!f.entries().equals(header.entries()) || f.header().fileSize() != header.fileSize()) {
                    f.close();
                    throw new SafeTensorsException(name + ": file changed on disk since the model was opened");
                }
                mapped = f;
            }
            return mapped;
        }

        synchronized void close() {
            if (mapped != null) mapped.close();
            mapped = null;
        }
    }
}
