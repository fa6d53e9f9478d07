package ai.emu4j.models.vq;

import ai.emu4j.core.tensor.Tensor;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Emu3VisionVQImageProcessor (image_processing_emu3visionvq.py) as configured by the hub's
 * preprocessor_config.json, with the float arithmetic of the transformers helpers it calls, so that
 * {@link #preprocess} gives bit-identical float32 values for a given decoded RGB image and
 * {@link #postprocess} bit-identical uint8:
 * <ul>
 * <li>resize: {@link #smartResize}, then Pillow BICUBIC on uint8 ({@link PilBicubic}, exact);</li>
 * <li>rescale: uint8 * rescale_factor in float64, cast to float32; normalise (x - mean) / std in float32;</li>
 * <li>postprocess: (x - (-mean/std)) / (1/std) in float32, * (1/rescale_factor) in float64 cast to
 *     float32, clip to [0, 255], then TRUNCATE to uint8 (numpy astype), not round.</li>
 * </ul>
 * do_convert_rgb is honoured by {@link VQImages}, which always yields RGB.
 */
public record VQImageProcessor(boolean do_resize, int resample, boolean do_rescale, double rescale_factor, boolean do_normalize,
                               double[] image_mean, double[] image_std, long min_pixels, long max_pixels, int spatial_factor) {
    /** PIL's Image.BICUBIC; the only filter the Emu3 configs use and the only one implemented. */
    public static final int BICUBIC = 3;
    /** The original smart_resize rejects aspect ratios above this (the transformers port allows 200). */
    public static final double MAX_ASPECT_RATIO = 5;

    public VQImageProcessor {
        image_mean = image_mean.clone();
        image_std = image_std.clone();
        if (resample != BICUBIC) throw new IllegalArgumentException("resample " + resample + " is not supported, only " + BICUBIC + " (PIL BICUBIC)");
        if (image_mean.length != 3 || image_std.length != 3) throw new IllegalArgumentException("image_mean and image_std need 3 values");
        for (double s : image_std) if (!(s != 0)) throw new IllegalArgumentException("image_std must be non-zero");
        if (!(rescale_factor > 0)) throw new IllegalArgumentException("rescale_factor must be positive, got " + rescale_factor);
        if (spatial_factor <= 0) throw new IllegalArgumentException("spatial_factor must be positive, got " + spatial_factor);
        if (min_pixels <= 0 || max_pixels < min_pixels) throw new IllegalArgumentException("need 0 < min_pixels <= max_pixels, got " + min_pixels + ", " + max_pixels);
    }

    /** The BAAI/Emu3-VisionTokenizer preprocessor_config.json. */
    public static VQImageProcessor hub() {
        return new VQImageProcessor(true, BICUBIC, true, 1 / 255.0, true, new double[] {0.5, 0.5, 0.5}, new double[] {0.5, 0.5, 0.5},
                512 * 512, 1024 * 1024, 8);
    }

    /** The hub processor with other pixel bounds (e.g. small test images). */
    public VQImageProcessor withPixels(long minPixels, long maxPixels) {
        return new VQImageProcessor(do_resize, resample, do_rescale, rescale_factor, do_normalize, image_mean, image_std, minPixels, maxPixels, spatial_factor);
    }

    public static VQImageProcessor fromJson(Path file) throws IOException {
        JsonNode n = new ObjectMapper().readTree(Files.readAllBytes(file));
        VQImageProcessor d = hub();
        try {
            return new VQImageProcessor(n.path("do_resize").asBoolean(d.do_resize), n.path("resample").asInt(d.resample),
                    n.path("do_rescale").asBoolean(d.do_rescale), n.path("rescale_factor").asDouble(d.rescale_factor),
                    n.path("do_normalize").asBoolean(d.do_normalize), triple(n.get("image_mean"), d.image_mean),
                    triple(n.get("image_std"), d.image_std), n.path("min_pixels").asLong(d.min_pixels),
                    n.path("max_pixels").asLong(d.max_pixels), n.path("spatial_factor").asInt(d.spatial_factor));
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    private static double[] triple(JsonNode n, double[] fallback) {
        if (n == null || n.isNull()) return fallback;
        if (n.isNumber()) return new double[] {n.asDouble(), n.asDouble(), n.asDouble()};
        double[] r = new double[n.size()];
        for (int i = 0; i < r.length; i++) r[i] = n.get(i).asDouble();
        return r;
    }

    public double[] image_mean() {
        return image_mean.clone();
    }

    public double[] image_std() {
        return image_std.clone();
    }

    /**
     * smart_resize: {height, width} rounded to multiples of factor (Python round, i.e. HALF TO EVEN:
     * 20/8 = 2.5 -> 2, 28/8 = 3.5 -> 4), then scaled down (floor) or up (ceil) to fit the pixel bounds.
     */
    public static int[] smartResize(int height, int width, int factor, long minPixels, long maxPixels) {
        if (height < factor || width < factor) {
            throw new IllegalArgumentException("height:" + height + " or width:" + width + " must be larger than factor:" + factor);
        }
        double ratio = (double) Math.max(height, width) / Math.min(height, width);
        if (ratio > MAX_ASPECT_RATIO) throw new IllegalArgumentException("absolute aspect ratio must be smaller than 5, got " + ratio);
        long hBar = (long) Math.rint((double) height / factor) * factor;
        long wBar = (long) Math.rint((double) width / factor) * factor;
        if (hBar * wBar > maxPixels) {
            double beta = Math.sqrt((double) height * width / maxPixels);
            hBar = (long) Math.floor(height / beta / factor) * factor;
            wBar = (long) Math.floor(width / beta / factor) * factor;
        } else if (hBar * wBar < minPixels) {
            double beta = Math.sqrt((double) minPixels / ((double) height * width));
            hBar = (long) Math.ceil(height * beta / factor) * factor;
            wBar = (long) Math.ceil(width * beta / factor) * factor;
        }
        return new int[] {Math.toIntExact(hBar), Math.toIntExact(wBar)};
    }

    /** The image at the size the model sees (smartResize, PIL bicubic), unchanged when !do_resize. */
    public RgbImage resize(RgbImage image) {
        if (!do_resize) return image;
        int[] hw = smartResize(image.height(), image.width(), spatial_factor, min_pixels, max_pixels);
        return new RgbImage(hw[1], hw[0], PilBicubic.resize(image.rgb(), image.width(), image.height(), 3, hw[1], hw[0]));
    }

    /** RGB image -> float32 (3, H', W'), H' x W' from smartResize when do_resize. */
    public Tensor preprocess(RgbImage image) {
        RgbImage img = resize(image);
        int h = img.height(), w = img.width(), plane = h * w;
        float[] out = new float[3 * plane];
        byte[] px = img.rgb();
        float[] mean = {(float) image_mean[0], (float) image_mean[1], (float) image_mean[2]};
        float[] std = {(float) image_std[0], (float) image_std[1], (float) image_std[2]};
        for (int i = 0; i < plane; i++) {
            for (int c = 0; c < 3; c++) {
                int u = px[i * 3 + c] & 0xff;
                float v = do_rescale ? (float) (u * rescale_factor) : u;
                if (do_normalize) v = (v - mean[c]) / std[c];
                out[c * plane + i] = v;
            }
        }
        return Tensor.of(out, 3, h, w);
    }

    /** Float (3, H, W), e.g. a decoded image in [-1, 1] -> RGB uint8, truncating as numpy's astype(uint8) does. */
    public RgbImage postprocess(Tensor chw) {
        int[] s = chw.shape();
        if (s.length != 3 || s[0] != 3) throw new IllegalArgumentException("postprocess wants (3, H, W), got " + java.util.Arrays.toString(s));
        int h = s[1], w = s[2], plane = h * w;
        float[] x = chw.contiguous().dataF32();
        byte[] out = new byte[3 * plane];
        double scaleBack = 1 / rescale_factor;
        for (int c = 0; c < 3; c++) {
            // inverse_meanstd(): mean' = -mean/std, std' = 1/std, computed in double, used as float32.
            float m = (float) (-image_mean[c] / image_std[c]), sd = (float) (1 / image_std[c]);
            for (int i = 0; i < plane; i++) {
                float v = x[c * plane + i];
                if (do_normalize) v = (v - m) / sd;
                if (do_rescale) v = (float) (v * scaleBack);
                v = Math.min(255f, Math.max(0f, v));  // NaN stays NaN and casts to 0
                out[i * 3 + c] = (byte) (int) v;
            }
        }
        return new RgbImage(w, h, out);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VQImageProcessor p && do_resize == p.do_resize && resample == p.resample && do_rescale == p.do_rescale
                && rescale_factor == p.rescale_factor && do_normalize == p.do_normalize && java.util.Arrays.equals(image_mean, p.image_mean)
                && java.util.Arrays.equals(image_std, p.image_std) && min_pixels == p.min_pixels && max_pixels == p.max_pixels
                && spatial_factor == p.spatial_factor;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(do_resize, resample, do_rescale, rescale_factor, do_normalize, java.util.Arrays.hashCode(image_mean),
                java.util.Arrays.hashCode(image_std), min_pixels, max_pixels, spatial_factor);
    }
}
