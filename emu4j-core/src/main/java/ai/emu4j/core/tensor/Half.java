package ai.emu4j.core.tensor;

/** IEEE half and bfloat16 conversions, round-to-nearest-even like PyTorch's casts. */
public final class Half {
    private Half() {}

    public static float f16ToF32(short h) {
        return Float.float16ToFloat(h);
    }

    public static short f32ToF16(float f) {
        return Float.floatToFloat16(f);
    }

    public static float bf16ToF32(short b) {
        return Float.intBitsToFloat((b & 0xffff) << 16);
    }

    public static short f32ToBf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) return (short) ((bits >>> 16) | 0x0040);
        int rounding = 0x7fff + ((bits >>> 16) & 1);
        return (short) ((bits + rounding) >>> 16);
    }
}
