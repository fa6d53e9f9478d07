package ai.emu4j.core.io;

import static ai.emu4j.core.io.Json.quote;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * An open, validated safetensors file mapped read-only in one piece. Tensor data are slices of that
 * mapping: no copies. Segments stay valid until {@link #close()}, which unmaps; touching one after
 * that throws IllegalStateException instead of crashing. Safe to read from many threads.
 */
public final class SafeTensorsFile implements AutoCloseable {
    private final Path path;
    private final SafeTensorsHeader header;
    private final Arena arena;
    private final MemorySegment mapping;
    private final Map<String, TensorEntry> byName;

    SafeTensorsFile(Path path, SafeTensorsHeader header, Arena arena, MemorySegment mapping) {
        this.path = path;
        this.header = header;
        this.arena = arena;
        this.mapping = mapping;
        this.byName = new LinkedHashMap<>();
        for (TensorEntry e : header.entries()) byName.put(e.name(), e);
    }

    public Path path() {
        return path;
    }

    public SafeTensorsHeader header() {
        return header;
    }

    /** In header order. */
    public List<TensorEntry> entries() {
        return header.entries();
    }

    public Map<String, String> metadata() {
        return header.metadata();
    }

    public boolean contains(String name) {
        return byName.containsKey(name);
    }

    public TensorEntry entry(String name) {
        TensorEntry e = byName.get(name);
        if (e == null) throw new NoSuchElementException(header.source() + ": no tensor named " + quote(name));
        return e;
    }

    /** The tensor's raw little-endian bytes, a slice of the mapping (not aligned in general). */
    public MemorySegment data(String name) {
        return data(entry(name));
    }

    public MemorySegment data(TensorEntry e) {
        if (!e.equals(byName.get(e.name()))) {
            throw new IllegalArgumentException(header.source() + ": entry " + quote(e.name()) + " is not from this file");
        }
        return mapping.asSlice(header.dataStart() + e.begin(), e.byteSize());
    }

    public long parameterCount() {
        return header.parameterCount();
    }

    @Override
    public void close() {
        arena.close();
    }
}
