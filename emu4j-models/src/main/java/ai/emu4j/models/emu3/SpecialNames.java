package ai.emu4j.models.emu3;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

/**
 * The strings of Emu3's structure tokens. Emu3 reuses reserved Qwen slots: eol is {@code <|extra_200|>},
 * eof {@code <|extra_201|>}, bos {@code <|extra_203|>}, eos {@code <|extra_204|>}. A model folder may
 * rename them in config.json ("bos_token", "eos_token", "pad_token", "img_token", "boi_token",
 * "eoi_token", "eol_token", "eof_token"); each must then exist in its tokenizer.
 */
public record SpecialNames(String bos, String eos, String pad, String img, String boi, String eoi, String eol, String eof) {
    public static final SpecialNames EMU3 = new SpecialNames("<|extra_203|>", "<|extra_204|>", "<|endoftext|>",
            "<|image token|>", "<|image start|>", "<|image end|>", "<|extra_200|>", "<|extra_201|>");

    /** In the order a small tokenizer should list them as special tokens (pad first, so it gets id 0). */
    public List<String> all() {
        return List.of(pad, bos, eos, img, boi, eoi, eol, eof);
    }

    /** The names given in a config.json, Emu3's for those not given; a non-string value is an error. */
    public static SpecialNames fromConfig(JsonNode config) {
        return new SpecialNames(name(config, "bos_token", EMU3.bos), name(config, "eos_token", EMU3.eos), name(config, "pad_token", EMU3.pad),
                name(config, "img_token", EMU3.img), name(config, "boi_token", EMU3.boi), name(config, "eoi_token", EMU3.eoi),
                name(config, "eol_token", EMU3.eol), name(config, "eof_token", EMU3.eof));
    }

    private static String name(JsonNode config, String field, String fallback) {
        JsonNode v = config.get(field);
        if (v == null || v.isNull()) return fallback;
        if (!v.isTextual() || v.asText().isEmpty()) throw new IllegalArgumentException("config.json: " + field + " must be a non-empty string, got " + v);
        return v.asText();
    }
}
