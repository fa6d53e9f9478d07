package ai.emu4j.core.io;

import ai.emu4j.core.tensor.DType;
import java.util.Arrays;

/**
 * One validated header entry. {@code begin}/{@code end} are offsets into the data buffer (after the
 * header), end exclusive. {@code dtype} is null when the file uses a documented dtype the engine does
 * not compute with (F64, U16, F8_E4M3, ...); {@code dtypeName} always holds the file's string.
 */
public record TensorEntry(String name, String dtypeName, DType dtype, long[] shape, long begin, long end) {
    public TensorEntry {
        shape = shape.clone();
    }

    /** A copy: the record stays immutable at the cost of one small array per call. */
    @Override
    public long[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    public long byteSize() {
        return end - begin;
    }

    /** Product of the dims; exact, so an entry built by hand cannot wrap silently. */
    public long numel() {
        long n = 1;
        for (long d : shape) n = Math.multiplyExact(n, d);
        return n;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorEntry e && name.equals(e.name) && dtypeName.equals(e.dtypeName)
                && dtype == e.dtype && Arrays.equals(shape, e.shape) && begin == e.begin && end == e.end;
    }

    @Override
    public int hashCode() {
        return 31 * name.hashCode() + Arrays.hashCode(shape) + Long.hashCode(begin);
    }

    @Override
    public String toString() {
        return name + " " + dtypeName + " " + Arrays.toString(shape) + " [" + begin + ", " + end + ")";
    }
}
