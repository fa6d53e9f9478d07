package ai.emu4j.core.tensor;

/**
 * Storage element types. Compute always happens in F32; the other types exist so that weights and
 * token ids can be stored, mapped from files and converted without widening them on the heap.
 * The names are the safetensors dtype strings.
 */
public enum DType {
    F32(4, true), F16(2, true), BF16(2, true), I8(1, false), U8(1, false), I32(4, false), I64(8, false), BOOL(1, false);

    private final int byteSize;
    private final boolean floatingPoint;

    DType(int byteSize, boolean floatingPoint) {
        this.byteSize = byteSize;
        this.floatingPoint = floatingPoint;
    }

    public int byteSize() {
        return byteSize;
    }

    public boolean isFloatingPoint() {
        return floatingPoint;
    }

    /** Bytes for {@code count} elements, exact: throws ArithmeticException instead of wrapping. */
    public long byteSizeFor(long count) {
        return Math.multiplyExact(count, (long) byteSize);
    }

    /** The dtype named by a safetensors header string, or null when this engine does not know it. */
    public static DType fromSafetensorsName(String name) {
        for (DType d : values()) {
            if (d.name().equals(name)) return d;
        }
        return null;
    }
}
