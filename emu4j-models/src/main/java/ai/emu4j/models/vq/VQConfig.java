package ai.emu4j.models.vq;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The Emu3 vision tokenizer's config.json (BAAI/Emu3-VisionTokenizer), field for field. Note that
 * {@code attn_resolutions} holds LEVEL INDICES into {@code ch_mult}, not pixel resolutions.
 * <p>
 * {@link #fromJson} also reads the transformers {@code Emu3VQVAEConfig} spelling (model_type
 * "emu3_vqgan": base_channels, channel_multiplier, latent_channels, double_latent), either at the top
 * level or nested as {@code vq_config} inside a full Emu3 {@code config.json}.
 */
public record VQConfig(int ch, int[] ch_mult, int num_res_blocks, int[] attn_resolutions, int codebook_size,
                       int embed_dim, int z_channels, boolean double_z, int in_channels, int out_channels,
                       int temporal_downsample_factor, double dropout) {

    /** GroupNorm(32) everywhere in the 2D stacks: every channel count must split into 32 groups. */
    public static final int GROUPS = 32;

    public VQConfig {
        ch_mult = ch_mult.clone();
        attn_resolutions = attn_resolutions.clone();
        List<String> bad = new ArrayList<>();
        if (ch <= 0) bad.add("ch must be positive, got " + ch);
        if (ch_mult.length == 0) bad.add("ch_mult must not be empty");
        for (int m : ch_mult) {
            if (m <= 0) bad.add("ch_mult entries must be positive, got " + Arrays.toString(ch_mult));
            else if (ch > 0 && (long) ch * m % GROUPS != 0) {
                bad.add("ch * ch_mult = " + (long) ch * m + " is not a multiple of the " + GROUPS + " GroupNorm groups");
            }
        }
        if (num_res_blocks <= 0) bad.add("num_res_blocks must be positive, got " + num_res_blocks);
        for (int a : attn_resolutions) {
            if (a < 0 || a >= ch_mult.length) {
                bad.add("attn_resolutions holds level indices 0.." + (ch_mult.length - 1) + " (not pixel sizes), got " + a);
            }
        }
        if (codebook_size <= 0) bad.add("codebook_size must be positive, got " + codebook_size);
        if (embed_dim <= 0) bad.add("embed_dim must be positive, got " + embed_dim);
        if (z_channels <= 0) bad.add("z_channels must be positive, got " + z_channels);
        // The decoder concatenates post_quant_conv(z) and the raw codebook vectors on the batch axis
        // and runs both through one temporal stack, so the two widths must agree.
        if (embed_dim != z_channels) bad.add("embed_dim (" + embed_dim + ") must equal z_channels (" + z_channels + "): the decoder runs both through one temporal stack");
        // With double_z the encoder emits 2*z_channels but quant_conv takes z_channels: the original
        // code cannot run such a config either.
        if (double_z) bad.add("double_z=true is not supported: quant_conv expects z_channels inputs");
        if (in_channels <= 0) bad.add("in_channels must be positive, got " + in_channels);
        if (out_channels <= 0) bad.add("out_channels must be positive, got " + out_channels);
        if (temporal_downsample_factor <= 0 || Integer.bitCount(temporal_downsample_factor) != 1) {
            bad.add("temporal_downsample_factor must be a power of two, got " + temporal_downsample_factor);
        }
        if (!(dropout >= 0 && dropout < 1)) bad.add("dropout must be in [0, 1), got " + dropout);
        if (!bad.isEmpty()) throw new IllegalArgumentException("invalid Emu3 VQ config: " + String.join("; ", bad));
    }

    /** The published BAAI/Emu3-VisionTokenizer config (about 270M parameters). */
    public static VQConfig published() {
        return new VQConfig(256, new int[] {1, 2, 2, 4}, 2, new int[] {3}, 32768, 4, 4, false, 3, 3, 4, 0.0);
    }

    public int[] ch_mult() {
        return ch_mult.clone();
    }

    public int[] attn_resolutions() {
        return attn_resolutions.clone();
    }

    /** Pixels per latent cell along each spatial axis: 2^(levels - 1). */
    public int spatialFactor() {
        return 1 << (ch_mult.length - 1);
    }

    /** log2(temporal_downsample_factor): the number of temporal down/upsample convs. */
    public int temporalLayers() {
        return Integer.numberOfTrailingZeros(temporal_downsample_factor);
    }

    public boolean attnAt(int level) {
        for (int a : attn_resolutions) if (a == level) return true;
        return false;
    }

    public static VQConfig fromJson(Path file) throws IOException {
        JsonNode root = new ObjectMapper().readTree(Files.readAllBytes(file));
        try {
            return fromJson(root);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    public static VQConfig fromJson(JsonNode root) {
        if (root == null || !root.isObject()) throw new IllegalArgumentException("config is not a JSON object");
        if (root.has("vq_config")) return fromJson(root.get("vq_config"));
        boolean hf = "emu3_vqgan".equals(root.path("model_type").asText()) || root.has("base_channels");
        return new VQConfig(
                integer(root, hf ? "base_channels" : "ch"),
                ints(root, hf ? "channel_multiplier" : "ch_mult"),
                integer(root, "num_res_blocks"),
                ints(root, "attn_resolutions"),
                integer(root, "codebook_size"),
                integer(root, "embed_dim"),
                integer(root, hf ? "latent_channels" : "z_channels"),
                bool(root, hf ? "double_latent" : "double_z"),
                integer(root, "in_channels"),
                integer(root, "out_channels"),
                integer(root, "temporal_downsample_factor"),
                root.has("dropout") ? number(root, "dropout") : 0.0);
    }

    private static JsonNode field(JsonNode root, String name) {
        JsonNode n = root.get(name);
        if (n == null || n.isNull()) throw new IllegalArgumentException("config field \"" + name + "\" is missing");
        return n;
    }

    private static int integer(JsonNode root, String name) {
        JsonNode n = field(root, name);
        if (!n.isIntegralNumber() || !n.canConvertToInt()) throw new IllegalArgumentException("config field \"" + name + "\" must be an integer, got " + n);
        return n.intValue();
    }

    private static double number(JsonNode root, String name) {
        JsonNode n = field(root, name);
        if (!n.isNumber()) throw new IllegalArgumentException("config field \"" + name + "\" must be a number, got " + n);
        return n.doubleValue();
    }

    private static boolean bool(JsonNode root, String name) {
        JsonNode n = field(root, name);
        if (!n.isBoolean()) throw new IllegalArgumentException("config field \"" + name + "\" must be true or false, got " + n);
        return n.booleanValue();
    }

    private static int[] ints(JsonNode root, String name) {
        JsonNode n = field(root, name);
        if (!n.isArray()) throw new IllegalArgumentException("config field \"" + name + "\" must be a list of integers, got " + n);
        int[] r = new int[n.size()];
        for (int i = 0; i < r.length; i++) {
            JsonNode e = n.get(i);
            if (!e.isIntegralNumber() || !e.canConvertToInt()) throw new IllegalArgumentException("config field \"" + name + "\" must be a list of integers, got " + n);
            r[i] = e.intValue();
        }
        return r;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VQConfig c && ch == c.ch && Arrays.equals(ch_mult, c.ch_mult) && num_res_blocks == c.num_res_blocks
                && Arrays.equals(attn_resolutions, c.attn_resolutions) && codebook_size == c.codebook_size && embed_dim == c.embed_dim
                && z_channels == c.z_channels && double_z == c.double_z && in_channels == c.in_channels && out_channels == c.out_channels
                && temporal_downsample_factor == c.temporal_downsample_factor && Double.compare(dropout, c.dropout) == 0;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(new Object[] {ch, Arrays.hashCode(ch_mult), num_res_blocks, Arrays.hashCode(attn_resolutions),
                codebook_size, embed_dim, z_channels, double_z, in_channels, out_channels, temporal_downsample_factor, dropout});
    }

    @Override
    public String toString() {
        return "VQConfig[ch=" + ch + ", ch_mult=" + Arrays.toString(ch_mult) + ", num_res_blocks=" + num_res_blocks
                + ", attn_resolutions=" + Arrays.toString(attn_resolutions) + ", codebook_size=" + codebook_size
                + ", embed_dim=" + embed_dim + ", z_channels=" + z_channels + ", double_z=" + double_z
                + ", in_channels=" + in_channels + ", out_channels=" + out_channels
                + ", temporal_downsample_factor=" + temporal_downsample_factor + ", dropout=" + dropout + "]";
    }
}
