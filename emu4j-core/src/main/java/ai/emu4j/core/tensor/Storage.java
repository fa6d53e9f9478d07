package ai.emu4j.core.tensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Where a tensor's elements live: a heap float[] (every compute result) or a MemorySegment of any
 * dtype (weights mapped from a file, token ids, converted copies). Segment reads go through
 * little-endian layouts so mapped files need no byte swapping and no alignment.
 */
public sealed interface Storage permits Storage.Heap, Storage.Segment {
    DType dtype();

    long size();

    float getFloat(long index);

    /** F32 elements on the heap. */
    record Heap(float[] data) implements Storage {
        public DType dtype() {
            return DType.F32;
        }

        public long size() {
            return data.length;
        }

        public float getFloat(long index) {
            return data[(int) index];
        }
    }

    /** Elements of one dtype in a memory segment (mapped file, native or heap-backed). */
    record Segment(MemorySegment segment, DType dtype) implements Storage {
        static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);
        static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);
        static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);
        static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);

        public long size() {
            return segment.byteSize() / dtype.byteSize();
        }

        public float getFloat(long i) {
            return switch (dtype) {
                case F32 -> segment.get(F32, i * 4);
                case F16 -> Half.f16ToF32(segment.get(I16, i * 2));
                case BF16 -> Half.bf16ToF32(segment.get(I16, i * 2));
                case I8 -> segment.get(ValueLayout.JAVA_BYTE, i);
                case U8 -> segment.get(ValueLayout.JAVA_BYTE, i) & 0xff;
                case BOOL -> segment.get(ValueLayout.JAVA_BYTE, i) != 0 ? 1f : 0f;
                case I32 -> segment.get(I32, i * 4);
                case I64 -> segment.get(I64, i * 8);
            };
        }

        /**
         * Elements from .. from+n as F32 into out[pos..]: one bulk copy for F32, a bulk copy of the
         * 16-bit patterns then a widening pass for F16/BF16, element by element otherwise.
         */
        void copyTo(long from, float[] out, int pos, int n) {
            switch (dtype) {
                case F32 -> MemorySegment.copy(segment, F32, from * 4, out, pos, n);
                case F16, BF16 -> {
                    short[] bits = new short[n];
                    MemorySegment.copy(segment, I16, from * 2, bits, 0, n);
                    if (dtype == DType.BF16) for (int j = 0; j < n; j++) out[pos + j] = Half.bf16ToF32(bits[j]);
                    else for (int j = 0; j < n; j++) out[pos + j] = Half.f16ToF32(bits[j]);
                }
                default -> {
                    for (int j = 0; j < n; j++) out[pos + j] = getFloat(from + j);
                }
            }
        }

        public long getLong(long i) {
            return switch (dtype) {
                case I32 -> segment.get(I32, i * 4);
                case I64 -> segment.get(I64, i * 8);
                case I8 -> segment.get(ValueLayout.JAVA_BYTE, i);
                case U8, BOOL -> segment.get(ValueLayout.JAVA_BYTE, i) & 0xff;
                default -> (long) getFloat(i);
            };
        }

        void set(long i, double v) {
            switch (dtype) {
                case F32 -> segment.set(F32, i * 4, (float) v);
                case F16 -> segment.set(I16, i * 2, Half.f32ToF16((float) v));
                case BF16 -> segment.set(I16, i * 2, Half.f32ToBf16((float) v));
                case I8, U8 -> segment.set(ValueLayout.JAVA_BYTE, i, (byte) (long) v);
                case BOOL -> segment.set(ValueLayout.JAVA_BYTE, i, (byte) (v != 0 ? 1 : 0));
                case I32 -> segment.set(I32, i * 4, (int) (long) v);
                case I64 -> segment.set(I64, i * 8, (long) v);
            }
        }
    }
}
