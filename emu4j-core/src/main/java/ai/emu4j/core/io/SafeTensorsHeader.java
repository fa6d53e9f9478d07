package ai.emu4j.core.io;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A fully validated header. {@code dataStart} = 8 + header length: the file offset of data byte 0.
 * Entries are in the header's key order; their ranges tile the data buffer exactly.
 */
public record SafeTensorsHeader(String source, long fileSize, long dataStart, List<TensorEntry> entries,
                                Map<String, String> metadata) {
    public SafeTensorsHeader {
        entries = List.copyOf(entries);
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    /** Sum of the element counts; cannot overflow, every element takes at least 4 bits of the file. */
    public long parameterCount() {
        long n = 0;
        for (TensorEntry e : entries) n += e.numel();
        return n;
    }
}
