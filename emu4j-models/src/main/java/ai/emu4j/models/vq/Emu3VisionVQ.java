package ai.emu4j.models.vq;

import ai.emu4j.core.autograd.GradMode;
import ai.emu4j.core.io.ModelWeights;
import ai.emu4j.core.ops.Indexing;
import ai.emu4j.core.tensor.Tensor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * The Emu3 vision tokenizer (Emu3VisionVQModel, BAAI/Emu3-VisionTokenizer), inference only:
 * pixels in [-1, 1] to codebook ids and back. One image or one video per call (no batch axis).
 * <ul>
 * <li>Image (3, H, W): the original repeats it temporal_downsample_factor (4) times in time and
 *     decodes 4 frames of which it keeps frame 0. Every 2D stage is per frame, so here the 2D encoder
 *     runs ONCE and its output is repeated before the temporal convs, and the 2D decoder runs for
 *     frame 0 only: about 4x less work each way, same numbers. Likewise a video frame bitwise equal
 *     to an earlier frame of its chunk is encoded in 2D once (costs one comparison per frame).</li>
 * <li>Video (T, 3, H, W), T a multiple of 4: independent 4-frame chunks, as the official
 *     autoencode.py batches them ({@code images.view(-1, 4, C, H, W)}); encoding a long clip as one
 *     sequence gives different codes after the first chunk. Chunks run one after the other, so memory
 *     is that of one chunk.</li>
 * </ul>
 * H and W must be multiples of 2^(levels-1) (8 published), which {@link VQImageProcessor} guarantees.
 * Weights stay mapped from the file (see {@link Params}), so close the model when done.
 */
public final class Emu3VisionVQ implements AutoCloseable {
    private final VQConfig config;
    private final ModelWeights weights;
    private final Encoder encoder;
    private final Decoder decoder;
    private final Quantizer quantize;
    private final CausalConv3d quant_conv, post_quant_conv;

    private Emu3VisionVQ(VQConfig config, Params p, ModelWeights weights) throws VQLoadException {
        this.config = config;
        this.weights = weights;
        encoder = new Encoder(p, config);
        decoder = new Decoder(p, config);
        quantize = new Quantizer(p, config);
        int[] k = {3, 1, 1}, s = {1, 1, 1};   // the default CausalConv3d: time-only kernel, no spatial padding
        quant_conv = CausalConv3d.load(p, "quant_conv", config.z_channels(), config.embed_dim(), k, s);           // [4, 4, 3, 1, 1]
        post_quant_conv = CausalConv3d.load(p, "post_quant_conv", config.embed_dim(), config.z_channels(), k, s); // [4, 4, 3, 1, 1]
        p.finish();
    }

    /** Loads config.json and model.safetensors (or a sharded index) from a folder, original or -hf names. */
    public static Emu3VisionVQ load(Path folder) throws IOException {
        return load(folder, "");
    }

    /**
     * As {@link #load(Path)}, taking only tensors under {@code prefix} (e.g. "model.vqmodel." in a full
     * Emu3-*-hf checkpoint, whose config.json nests the tokenizer's as "vq_config").
     */
    public static Emu3VisionVQ load(Path folder, String prefix) throws IOException {
        Path cfg = folder.resolve("config.json");
        if (!Files.isRegularFile(cfg)) throw new IOException(folder + ": no config.json (expected a model folder)");
        VQConfig config = VQConfig.fromJson(cfg);
        ModelWeights w = ModelWeights.open(folder);
        try {
            return new Emu3VisionVQ(config, Params.from(w, prefix), w);
        } catch (IOException | RuntimeException e) {
            w.close();
            throw e;
        }
    }

    /** Every tensor name (original layout) this config needs, with its shape, in build order; allocates nothing large. */
    public static Map<String, int[]> parameterShapes(VQConfig config) {
        Params p = Params.shapesOnly();
        try {
            new Emu3VisionVQ(config, p, null);
        } catch (VQLoadException e) {
            throw new IllegalStateException("shapes-only binding cannot fail", e);
        }
        return Collections.unmodifiableMap(p.requested());
    }

    public VQConfig config() {
        return config;
    }

    /**
     * Image (3, H, W) -> codes (1, H/8, W/8); video (T, 3, H, W) -> codes (T/4, H/8, W/8). I32 tensors.
     */
    public Tensor encode(Tensor pixels) {
        int[] s = pixels.shape();
        int tdf = config.temporal_downsample_factor(), f = config.spatialFactor();
        boolean image = s.length == 3;
        if (s.length != 3 && s.length != 4) throw new IllegalArgumentException("encode wants an image (3, H, W) or a video (T, 3, H, W), got " + Arrays.toString(s));
        int c = s[s.length - 3], height = s[s.length - 2], width = s[s.length - 1];
        if (c != config.in_channels()) throw new IllegalArgumentException("expected " + config.in_channels() + " channels, got " + Arrays.toString(s));
        if (height % f != 0 || width % f != 0 || height == 0 || width == 0) {
            throw new IllegalArgumentException("height and width must be positive multiples of " + f + ", got " + height + "x" + width);
        }
        if (!image && (s[0] == 0 || s[0] % tdf != 0)) throw new IllegalArgumentException("video frames must be a positive multiple of " + tdf + ", got " + s[0]);
        int chunks = image ? 1 : s[0] / tdf, h = height / f, w = width / f;
        int[] codes = new int[chunks * h * w];
        try (var g = GradMode.noGrad()) {
            for (int chunk = 0; chunk < chunks; chunk++) {
                int[] one = image ? encodeChunk(pixels.unsqueeze(0), new int[tdf])   // the image is all 4 frames
                        : encodeChunk(pixels.slice(0, chunk * tdf, (chunk + 1) * tdf));
                System.arraycopy(one, 0, codes, chunk * h * w, h * w);
            }
        }
        return Tensor.ofInts(codes, chunks, h, w);
    }

    /** One video chunk [4, 3, H, W] -> codes (h, w); a frame equal (bitwise) to an earlier one is not encoded again. */
    private int[] encodeChunk(Tensor frames) {
        int f = frames.size(0);
        int[] source = new int[f];
        List<float[]> seen = new ArrayList<>();
        List<Tensor> distinct = new ArrayList<>();
        for (int i = 0; i < f; i++) {
            float[] d = frames.select(0, i).toFloatArray();
            int j = 0;
            while (j < seen.size() && !Arrays.equals(seen.get(j), d)) j++;
            if (j == seen.size()) {
                seen.add(d);
                distinct.add(frames.slice(0, i, i + 1));
            }
            source[i] = j;
        }
        return encodeChunk(Indexing.cat(distinct.toArray(Tensor[]::new), 0), source);
    }

    /**
     * distinct [D, 3, H, W], the chunk's frame t being distinct[source[t]] (an image: D = 1, source
     * {0, 0, 0, 0}) -> codes (h, w). The 2D encoder runs on the D distinct frames only.
     */
    private int[] encodeChunk(Tensor distinct, int[] source) {
        Tensor h = encoder.frames(distinct);                            // [D, z, h, w]
        Tensor[] chunk = new Tensor[source.length];
        for (int t = 0; t < source.length; t++) chunk[t] = h.select(0, source[t]);
        Tensor t = Indexing.stack(chunk, 1).unsqueeze(0);               // [1, z, 4, h, w]
        t = encoder.temporal(t);                                        // [1, z, 1, h, w]
        t = quant_conv.forward(t);                                      // [1, e, 1, h, w]
        return quantize.codes(t);
    }

    /**
     * Codes (h, w) -> image (3, 8h, 8w); codes (T', h, w) -> video (4T', 3, 8h, 8w), each latent frame
     * decoded as an independent chunk as autoencode.py does. Pixels are roughly in [-1, 1].
     */
    public Tensor decode(Tensor codes) {
        return switch (codes.rank()) {
            case 2 -> decodeImage(codes);
            case 3 -> decodeVideo(codes);
            default -> throw new IllegalArgumentException("decode wants codes (h, w) or (T', h, w), got " + Arrays.toString(codes.shape()));
        };
    }

    /** Codes (h, w) or (1, h, w), e.g. from {@link #encode} of an image -> (3, 8h, 8w): frame 0 of the decoded chunk. */
    public Tensor decodeImage(Tensor codes) {
        int[] s = codes.shape();
        if (s.length == 3 && s[0] != 1 || s.length < 2 || s.length > 3) {
            throw new IllegalArgumentException("decodeImage wants codes (h, w) or (1, h, w), got " + Arrays.toString(s));
        }
        try (var g = GradMode.noGrad()) {
            return decodeChunk(codes.toIntArray(), s[s.length - 2], s[s.length - 1], 1).select(0, 0);
        }
    }

    /** Codes (T', h, w) -> (T' * 4, 3, 8h, 8w). */
    public Tensor decodeVideo(Tensor codes) {
        int[] s = codes.shape();
        if (s.length != 3 || s[0] == 0) throw new IllegalArgumentException("decodeVideo wants codes (T', h, w), got " + Arrays.toString(s));
        int[] all = codes.toIntArray();
        int cells = s[1] * s[2];
        Tensor[] chunks = new Tensor[s[0]];
        try (var g = GradMode.noGrad()) {
            for (int t = 0; t < s[0]; t++) {
                chunks[t] = decodeChunk(Arrays.copyOfRange(all, t * cells, (t + 1) * cells), s[1], s[2], config.temporal_downsample_factor());
            }
            return Indexing.cat(chunks, 0);
        }
    }

    /** One latent frame's codes (h, w) -> the first {@code frames} of its 4 decoded frames [frames, 3, 8h, 8w]. */
    private Tensor decodeChunk(int[] codes, int h, int w, int frames) {
        Tensor quant = quantize.lookup(codes, 1, h, w);                 // [1, e, 1, h, w]
        Tensor quant2 = post_quant_conv.forward(quant);                 // [1, z, 1, h, w]
        Tensor[] zzq = decoder.temporal(quant2, quant);                 // 2 x [1, z, 4, h, w]
        Tensor z = zzq[0].select(0, 0).permute(1, 0, 2, 3).slice(0, 0, frames);   // [frames, z, h, w]
        Tensor zq = zzq[1].select(0, 0).permute(1, 0, 2, 3).slice(0, 0, frames);  // [frames, e, h, w]
        return decoder.frames(z.contiguous(), zq.contiguous());         // [frames, 3, 8h, 8w]
    }

    /**
     * A batch of images [B, 3, H, W] -> codes (B, h, w), equal to {@link #encode} per image. The 2D
     * encoder runs once over the whole batch, which keeps its GEMMs wide: at 64x64 and ch 64 a batch
     * of 8 runs several times faster per image than 8 single calls.
     */
    public Tensor encodeImages(Tensor images) {
        int[] s = images.shape();
        int f = config.spatialFactor(), tdf = config.temporal_downsample_factor();
        if (s.length != 4 || s[1] != config.in_channels() || s[2] % f != 0 || s[3] % f != 0 || s[0] == 0) {
            throw new IllegalArgumentException("encodeImages wants [B, " + config.in_channels() + ", H, W] with H, W multiples of " + f + ", got " + Arrays.toString(s));
        }
        int b = s[0], h = s[2] / f, w = s[3] / f;
        int[] codes = new int[b * h * w];
        try (var g = GradMode.noGrad()) {
            Tensor z = encoder.frames(images);                                              // [B, z, h, w]
            Tensor t = z.unsqueeze(2).expand(b, z.size(1), tdf, h, w).contiguous();         // each image as 4 frames
            t = quant_conv.forward(encoder.temporal(t));                                    // [B, e, 1, h, w]
            for (int i = 0; i < b; i++) System.arraycopy(quantize.codes(t.slice(0, i, i + 1)), 0, codes, i * h * w, h * w);
        }
        return Tensor.ofInts(codes, b, h, w);
    }

    /** Codes (B, h, w) -> images [B, 3, 8h, 8w], equal to {@link #decodeImage} per image, the 2D decoder batched. */
    public Tensor decodeImages(Tensor codes) {
        int[] s = codes.shape();
        if (s.length != 3 || s[0] == 0) throw new IllegalArgumentException("decodeImages wants codes (B, h, w), got " + Arrays.toString(s));
        int b = s[0], h = s[1], w = s[2];
        int[] all = codes.toIntArray();
        try (var g = GradMode.noGrad()) {
            Tensor[] q = new Tensor[b];
            for (int i = 0; i < b; i++) q[i] = quantize.lookup(Arrays.copyOfRange(all, i * h * w, (i + 1) * h * w), 1, h, w);
            Tensor quant = Indexing.cat(q, 0);                                              // [B, e, 1, h, w]
            Tensor[] zzq = decoder.temporal(post_quant_conv.forward(quant), quant);         // 2 x [B, z, 4, h, w]
            return decoder.frames(zzq[0].select(2, 0).contiguous(), zzq[1].select(2, 0).contiguous()); // frame 0: [B, 3, 8h, 8w]
        }
    }

    /** Unmaps the checkpoint; tensors of this model must not be used afterwards. */
    @Override
    public void close() {
        if (weights != null) weights.close();
    }
}
