package ai.emu4j.server;

import ai.emu4j.models.vq.RgbImage;
import ai.emu4j.models.vq.VQImages;

import java.io.IOException;
import java.util.Base64;
import java.util.concurrent.Semaphore;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Images arrive only as base64 data URLs: a remote URL is never fetched (no SSRF) and nothing a client sends
 * becomes a file path. The media type is checked against an allow-list, the encoded length before decoding,
 * the header's pixel count and frame count before any pixel is decoded, at most two decodes run at once
 * so that concurrent uploads cannot multiply peak memory, and no decoded image holds more than 2048 x 2048
 * pixels (larger ones are decimated while decoded).
 */
final class DataUrls {
    private static final Pattern DATA_URL = Pattern.compile("^data:image/(png|jpeg|jpg|gif|bmp|webp);base64,", Pattern.CASE_INSENSITIVE);
    private static final Semaphore DECODES = new Semaphore(2);
    /** Larger uploads are decimated while decoded (the model resizes to its own, smaller, area anyway). */
    static final long DECODE_PIXELS = 2048L * 2048;

    private DataUrls() {}

    static RgbImage image(String url, String param, Limits limits) {
        if (url == null) throw ApiError.invalid(param, param + " is required");
        Matcher m = DATA_URL.matcher(url);
        if (!m.find()) {
            String shown = url.length() > 40 ? url.substring(0, 40) + "..." : url;
            throw ApiError.invalid(param, param + " must be a base64 data URL (data:image/png;base64,...); remote URLs and file paths are never fetched, got '"
                    + shown.replaceAll("[^\\x20-\\x7e]", "?") + "'");
        }
        String payload = url.substring(m.end());
        long decodedBytes = (long) payload.length() / 4 * 3;
        if (decodedBytes > limits.maxBodyBytes()) throw ApiError.limit(413, param, "max_body_bytes", "image of about " + decodedBytes + " bytes is too large");
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(payload);
        } catch (IllegalArgumentException e) {
            throw ApiError.invalid(param, param + " is not valid base64");
        }
        if (bytes.length == 0) throw ApiError.invalid(param, param + " holds no image data");
        DECODES.acquireUninterruptibly();
        try {
            return VQImages.read(bytes, param, limits.maxImagePixels(), limits.maxFrames(), DECODE_PIXELS);
        } catch (VQImages.ImageTooLargeException e) {
            throw ApiError.limit(413, param, "max_image_pixels", e.getMessage().replaceFirst("\\s*\\(possible.*", "") + "; at most " + limits.maxImagePixels() + " pixels are accepted");
        } catch (VQImages.FrameLimitException e) {
            throw ApiError.limit(413, param, "max_frames", param + " has more than " + limits.maxFrames() + " frames");
        } catch (IOException | RuntimeException e) {
            throw ApiError.invalid(param, param + " is not a readable PNG, JPEG, GIF or BMP image");
        } finally {
            DECODES.release();
        }
    }
}
