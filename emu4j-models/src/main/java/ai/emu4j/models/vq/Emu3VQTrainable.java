package ai.emu4j.models.vq;

import ai.emu4j.core.autograd.GradMode;
import ai.emu4j.core.ops.Indexing;
import ai.emu4j.core.ops.Losses;
import ai.emu4j.core.ops.Unary;
import ai.emu4j.core.tensor.Tensor;
import ai.emu4j.core.util.Rng;
import ai.emu4j.models.nn.Module;

import ai.emu4j.core.io.SafeTensors;
import ai.emu4j.core.io.SafeTensorsFile;
import ai.emu4j.core.io.TensorEntry;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An Emu3 vision tokenizer being trained on still images. It is built from the SAME Encoder and
 * Decoder classes as {@link Emu3VisionVQ}, bound to in-memory tensors under the checkpoint's names,
 * so {@link #stateDict()} is a complete Emu3 state dict and a saved folder loads with
 * {@link Emu3VisionVQ#load} and computes the same function.
 * <ul>
 * <li>Temporal layers are FROZEN at an "identity" init: each causal time conv is a delta on the
 *     latest frame and channel, each temporal res block adds a zero branch. An image (4 equal frames)
 *     then passes the temporal stacks unchanged except for the two swishes each applies, so image
 *     training sees a plain 2D MoVQ autoencoder, which is how Emu3 itself started (a 2D MoVQGAN
 *     inflated with temporal layers). Training them needs video, which this trainer does not read.</li>
 * <li>Codes are l2-normalised, as LlamaGen's: z and the codebook are normalised before the nearest
 *     search (cosine distance), which keeps usage high with low-dimensional codes. The SAVED
 *     codebook holds the normalised rows; with unit rows, Emu3's Euclidean argmin picks the same
 *     code as the cosine argmax, so inference needs no change.</li>
 * <li>quant_conv and post_quant_conv ([e, z, 3, 1, 1] causal convs) see one latent frame, i.e. only
 *     their last time tap; the other taps start at zero and get zero gradient.</li>
 * </ul>
 * One forward of a batch [B, 3, H, W] runs the 2D encoder and decoder once per image, as
 * Emu3VisionVQ does for images.
 */
public final class Emu3VQTrainable extends Module {
    /** Added to ||z||^2 before the square root so a zero latent normalises to zero, not NaN. */
    private static final float NORM_EPS = 1e-12f;
    private static final String CODEBOOK = "quantize.embedding.weight";

    private final VQConfig config;
    /** Every tensor of the Emu3 layout, original names, trainable or not. */
    private final Map<String, Tensor> all;
    private final Encoder encoder;
    private final Decoder decoder;
    private final CausalConv3d quant_conv, post_quant_conv;
    private final Tensor codebook;

    /** The codes picked, the normalised latents, the losses and the reconstruction of one batch. */
    public record Output(Tensor recon, Tensor features, Tensor codebookLoss, Tensor commitLoss, int[] codes, float[] latents) {}

    /** A fresh model, initialised from {@code rng} (PyTorch-style uniform fan-in bounds for convs). */
    public Emu3VQTrainable(VQConfig config, Rng rng) {
        this(config, init(config, rng));
    }

    private Emu3VQTrainable(VQConfig config, Map<String, Tensor> all) {
        this.config = config;
        this.all = all;
        Params p = Params.fromTensors(all);
        encoder = new Encoder(p, config);
        decoder = new Decoder(p, config);
        int[] k = {3, 1, 1}, s = {1, 1, 1};
        quant_conv = CausalConv3d.load(p, "quant_conv", config.z_channels(), config.embed_dim(), k, s);
        post_quant_conv = CausalConv3d.load(p, "post_quant_conv", config.embed_dim(), config.z_channels(), k, s);
        codebook = p.take(CODEBOOK, config.codebook_size(), config.embed_dim());
        try {
            p.finish();
        } catch (VQLoadException e) {
            throw new IllegalStateException("trainable model does not cover the Emu3 layout", e);
        }
        Map<String, ParamTree> top = new LinkedHashMap<>();
        all.forEach((name, t) -> {
            if (!trainable(name)) return;
            int dot = name.indexOf('.');
            top.computeIfAbsent(name.substring(0, dot), key -> registerModule(key, new ParamTree())).add(name.substring(dot + 1), t);
        });
    }

    /**
     * A model to continue training from an exported folder's model.safetensors (every tensor of the
     * Emu3 layout, copied to the heap as F32), e.g. to fine-tune its decoder.
     */
    public static Emu3VQTrainable load(Path folder) throws IOException {
        VQConfig config = VQConfig.fromJson(folder.resolve("config.json"));
        Map<String, int[]> want = Emu3VisionVQ.parameterShapes(config);
        Map<String, Tensor> ordered = new LinkedHashMap<>();
        try (SafeTensorsFile f = SafeTensors.open(folder.resolve("model.safetensors"))) {
            // Names, shapes and dtypes from the header first: nothing is copied to the heap until all agree.
            Map<String, TensorEntry> byName = new LinkedHashMap<>();
            for (TensorEntry t : f.entries()) {
                if (!want.containsKey(t.name())) throw new IOException(folder + ": unexpected tensor " + t.name() + " for this config");
                byName.put(t.name(), t);
            }
            for (var w : want.entrySet()) {
                TensorEntry t = byName.get(w.getKey());
                if (t == null) throw new IOException(folder + ": missing tensor " + w.getKey());
                if (!java.util.Arrays.equals(t.shape(), java.util.Arrays.stream(w.getValue()).asLongStream().toArray())) {
                    throw new IOException(folder + ": tensor " + w.getKey() + " has shape " + java.util.Arrays.toString(t.shape()) + ", expected " + java.util.Arrays.toString(w.getValue()));
                }
                if (t.dtype() == null || !t.dtype().isFloatingPoint()) throw new IOException(folder + ": tensor " + t.name() + " is not floating point");
            }
            for (var w : want.entrySet()) {
                TensorEntry t = byName.get(w.getKey());
                ordered.put(w.getKey(), Tensor.of(Tensor.fromSegment(f.data(t), t.dtype(), w.getValue()).toFloatArray(), w.getValue()));
            }
        }
        return new Emu3VQTrainable(config, ordered);
    }

    public VQConfig config() {
        return config;
    }

    /** Batch x [B, 3, H, W] in [-1, 1] -> reconstruction and the vector-quantiser losses. */
    public Output forward(Tensor x, boolean withLosses) {
        return forward(x, withLosses, false);
    }

    /**
     * As {@link #forward(Tensor, boolean)}; with frozenEncoder the encoder, quant_conv and codebook run
     * without a tape (no encoder backward) and the codes are fixed, so only the decoder
     * side can learn: fine-tuning a decoder leaves every code a language model was trained on valid.
     */
    public Output forward(Tensor x, boolean withLosses, boolean frozenEncoder) {
        int b = x.size(0), tdf = config.temporal_downsample_factor(), e = config.embed_dim();
        Tensor z, picked;
        int[] codes;
        int lh, lw, n;
        try (var tape = frozenEncoder ? GradMode.noGrad() : null) {
            Tensor h = encoder.frames(x);                                      // [B, z, h, w]
            int zc = h.size(1);
            lh = h.size(2);
            lw = h.size(3);
            n = b * lh * lw;
            Tensor t = h.unsqueeze(2).expand(b, zc, tdf, lh, lw).contiguous(); // the image as 4 frames: [B, z, 4, h, w]
            t = quant_conv.forward(encoder.temporal(t));                       // [B, e, 1, h, w]
            z = normalise(t.select(2, 0).permute(0, 2, 3, 1).reshape(n, e));   // [N, e], cells in (b, y, x) order
            Tensor book = normalise(codebook);                                 // [K, e]
            codes = nearest(z.dataF32(), book.dataF32(), n, e);
            picked = Indexing.embedding(book, Tensor.ofInts(codes, n));        // [N, e]
        }
        Tensor codebookLoss = withLosses ? Losses.mse(picked, z.detach()) : null;
        Tensor commitLoss = withLosses ? Losses.mse(z, picked.detach()) : null;
        Tensor q = frozenEncoder ? picked : z.add(picked.sub(z).detach());    // straight-through: value picked, gradient to z
        q = q.reshape(b, lh, lw, e).permute(0, 3, 1, 2).unsqueeze(2);          // [B, e, 1, h, w]
        Tensor[] zzq = decoder.temporal(post_quant_conv.forward(q), q);        // 2 x [B, z, 4, h, w]
        Tensor hz = zzq[0].select(2, 0).contiguous(), hq = zzq[1].select(2, 0).contiguous(); // frame 0: [B, z, h, w]
        Tensor features = decoder.features(hz, hq);                            // [B, ch, H, W]
        Tensor recon = decoder.convOut().forward(features);                    // [B, 3, H, W]
        return new Output(recon, features, codebookLoss, commitLoss, codes, z.detach().toFloatArray());
    }

    @Override
    public Tensor forward(Tensor x) {
        return forward(x, false).recon();
    }

    /** decoder.conv_out.weight [3, ch, 3, 3]: the adaptive GAN weight compares gradient norms here. */
    public Tensor lastLayerWeight() {
        return decoder.convOut().weight();
    }

    /**
     * decoder.conv_out with another weight tensor, for the adaptive weight's gradient norms; the bias
     * is detached so that this side computation leaves no gradient on the model.
     */
    public Tensor lastLayer(Tensor features, Tensor weight) {
        return new Conv2d(weight, decoder.convOut().bias().detach(), 1, 1).forward(features);
    }

    /** Overwrites codebook rows (dead-code restart); {@code rows} holds {@code ids.length} x embed_dim values. */
    public void setCodebookRows(int[] ids, float[] rows) {
        float[] book = codebook.dataF32();  // the parameter's own backing array
        int e = config.embed_dim();
        for (int i = 0; i < ids.length; i++) System.arraycopy(rows, i * e, book, ids[i] * e, e);
    }

    /**
     * The complete Emu3 state dict by original name, F32, ready for model.safetensors; the codebook
     * rows are normalised (see the class comment).
     */
    public Map<String, Tensor> exportState() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        all.forEach((name, t) -> out.put(name, name.equals(CODEBOOK) ? normalise(t.detach()) : t.detach()));
        return out;
    }

    /** Writes the model as a standard Emu3 folder (see {@link VQFolder}), trained at size x size images. */
    public void saveFolder(Path folder, int size) throws IOException {
        VQFolder.save(folder, config, exportState(), (long) size * size);
    }

    private static boolean trainable(String name) {
        return !name.contains(".time_conv.") && !name.contains(".time_res_stack.");
    }

    /** Rows of x [N, e] scaled to unit length (differentiable). */
    static Tensor normalise(Tensor x) {
        return x.mul(Unary.rsqrt(x.mul(x).sum(1, true).add(NORM_EPS)));
    }

    /** Index of the largest dot product (cosine, both sides unit) per row; ties to the lowest index. */
    private static int[] nearest(float[] z, float[] book, int n, int e) {
        int k = book.length / e;
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            int best = 0;
            float bestDot = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < k; j++) {
                float dot = 0;
                for (int d = 0; d < e; d++) dot += z[i * e + d] * book[j * e + d];
                if (dot > bestDot) {
                    bestDot = dot;
                    best = j;
                }
            }
            out[i] = best;
        }
        return out;
    }

    private static Map<String, Tensor> init(VQConfig config, Rng rng) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        Emu3VisionVQ.parameterShapes(config).forEach((name, shape) -> out.put(name, VQInit.tensor(name, shape, rng)));
        return out;
    }
}
