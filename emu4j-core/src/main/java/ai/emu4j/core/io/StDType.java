package ai.emu4j.core.io;

import ai.emu4j.core.tensor.DType;

/**
 * Every dtype string the safetensors format documents, with its size in bits. The declaration order
 * is the reference's enum order, which its writer uses (descending) to lay tensors out so that wider
 * types come first and stay aligned.
 */
public enum StDType {
    BOOL(8), F4(4), F6_E2M3(6), F6_E3M2(6), U8(8), I8(8), F8_E5M2(8), F8_E4M3(8), F8_E8M0(8),
    I16(16), U16(16), F16(16), BF16(16), I32(32), U32(32), F32(32), C64(64), F64(64), I64(64), U64(64);

    private final int bits;

    StDType(int bits) {
        this.bits = bits;
    }

    public int bits() {
        return bits;
    }

    /** The engine's dtype of the same name, or null when the engine cannot compute with it. */
    public DType engineType() {
        return DType.fromSafetensorsName(name());
    }

    /** The documented dtype with this exact name, or null for any other string. */
    public static StDType parse(String name) {
        for (StDType d : values()) {
            if (d.name().equals(name)) return d;
        }
        return null;
    }

    /** The format's name for an engine dtype; every engine dtype is a documented one. */
    public static StDType of(DType dtype) {
        return valueOf(dtype.name());
    }
}
