/**
 * The Emu3 vision tokenizer (BAAI/Emu3-VisionTokenizer, "Emu3VisionVQModel"): images and 4-frame
 * video chunks to 8x8-downsampled codebook ids and back. Inference only.
 * <pre>
 * VQImageProcessor proc = VQImageProcessor.hub();                  // or fromJson(preprocessor_config.json)
 * try (Emu3VisionVQ vq = Emu3VisionVQ.load(Path.of("Emu3-VisionTokenizer"))) {
 *     Tensor pixels = proc.preprocess(VQImages.read(Path.of("cat.png")));   // (3, H, W) in [-1, 1]
 *     Tensor codes = vq.encode(pixels);                            // (1, H/8, W/8) int ids
 *     RgbImage back = proc.postprocess(vq.decodeImage(codes));     // uint8, truncated as the original
 * }
 * </pre>
 * Files: {@link ai.emu4j.models.vq.VQConfig} (config.json), {@link ai.emu4j.models.vq.Emu3VisionVQ}
 * (model, loading, encode/decode), Encoder / Decoder / Quantizer and their blocks (ResnetBlock,
 * AttnBlock, Norm, CausalConv3d, TemporalResnetBlock, Conv2d), Params (strict name/shape binding),
 * {@link ai.emu4j.models.vq.HfNames} (transformers -hf names), {@link ai.emu4j.models.vq.VQImageProcessor}
 * and PilBicubic (pre/post-processing), {@link ai.emu4j.models.vq.VQImages} (image files).
 * <p>
 * Checked against tools/fixtures/make_vq_fixtures.py, a PyTorch re-implementation of the original
 * modules (same names and structure) on a reduced config that runs every code path: codes are
 * identical, decoded pixels agree to about 3e-6 of their range, and for a PNG input the whole
 * preprocessing (smart_resize, Pillow BICUBIC, rescale, normalise) is bit-identical, as is
 * postprocessing. JPEG files decode through javax.imageio, which may differ from libjpeg by a few
 * levels per pixel.
 */
package ai.emu4j.models.vq;
