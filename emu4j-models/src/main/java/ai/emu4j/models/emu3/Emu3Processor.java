package ai.emu4j.models.emu3;

import ai.emu4j.models.tokenizer.TextTokenizer;

import java.util.Arrays;

/**
 * Emu3's sequence grammar ({@code processing_emu3.py}, {@code train/datasets.py}) over ids read from the
 * tokenizer. An image is one grid:
 * <pre>
 *   boi "{H}*{W}" img  v(0,0)..v(0,W-1) eol  ..  v(H-1,0)..v(H-1,W-1) eol  eof eoi
 * </pre>
 * with H, W the token-grid size (pixels / 8 for Emu3). Emu3 never published its video prefix, so ours is
 * {@code "{T}*{H}*{W}"}, T the number of latent frames (4 input frames each for Emu3's VQ), followed by
 * the T grids, each closed by its own eof, then one eoi; an image is the T = 1 case with the two-number
 * prefix, which keeps image sequences identical to Emu3's.
 * <p>
 * Text and the image block are tokenised separately; every join is at a special token, where the
 * tokenizer splits anyway, so the ids equal those of Emu3's string-concatenate-then-encode.
 */
public record Emu3Processor(TextTokenizer tokenizer, VisionTokens tokens, String chatTemplate) {
    public static final String IMAGE_PROMPT = "{image_prompt}";
    public static final String TEXT_PROMPT = "{text_prompt}";
    /** {@code Emu3Processor}'s default; note the "." it inserts after the user's text. */
    public static final String DEFAULT_CHAT_TEMPLATE = "You are a helpful assistant. USER: " + IMAGE_PROMPT + TEXT_PROMPT + ". ASSISTANT:";
    /** Emu3-Gen's generation area (720 x 720 pixels). */
    public static final long DEFAULT_IMAGE_AREA = 518400;

    public Emu3Processor {
        if (chatTemplate == null) chatTemplate = DEFAULT_CHAT_TEMPLATE;
        checkTemplate(chatTemplate);
    }

    /** A chat template holds {image_prompt} and {text_prompt} exactly once each. */
    public static void checkTemplate(String chatTemplate) {
        for (String p : new String[] {IMAGE_PROMPT, TEXT_PROMPT}) {
            int at = chatTemplate.indexOf(p);
            if (at < 0 || chatTemplate.indexOf(p, at + 1) >= 0) throw new IllegalArgumentException("chat template must contain " + p + " exactly once: " + chatTemplate);
        }
    }

    public Emu3Processor(TextTokenizer tokenizer, VisionTokens tokens) {
        this(tokenizer, tokens, DEFAULT_CHAT_TEMPLATE);
    }

    /** A token grid (rows x cols) to generate, and one latent frame of a video. */
    public record GridSize(int height, int width) {
        public GridSize {
            if (height <= 0 || width <= 0) throw new IllegalArgumentException("grid must be positive, got " + height + "x" + width);
        }
    }

    /**
     * {@code calculate_generate_size(ratio, image_area, spatial_factor)}: ratio "W:H"; s = sqrt(area / (w*h));
     * rows = round(h*s/f), cols = round(w*s/f) with Python's round (half to even, {@link Math#rint}); so
     * 16:9 at 518400 is 68 x 120 (67.5 rounds to 68). Ratio terms are capped at 1000 and the aspect at 20:1,
     * beyond which the grid degenerates to one row or column.
     */
    public static GridSize generateSize(String ratio, long imageArea, int spatialFactor) {
        String[] parts = ratio == null ? new String[0] : ratio.strip().split(":", -1);
        int w, h;
        try {
            if (parts.length != 2) throw new NumberFormatException();
            w = Integer.parseInt(parts[0].strip());
            h = Integer.parseInt(parts[1].strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("ratio must be W:H with positive integers, e.g. 16:9, got '" + ratio + "'");
        }
        if (w <= 0 || h <= 0 || w > 1000 || h > 1000) throw new IllegalArgumentException("ratio terms must be in 1..1000, got '" + ratio + "'");
        if (Math.max(w, h) > 20L * Math.min(w, h)) throw new IllegalArgumentException("ratio " + ratio + " is more extreme than 20:1");
        if (imageArea <= 0 || spatialFactor <= 0) throw new IllegalArgumentException("image area and spatial factor must be positive, got " + imageArea + ", " + spatialFactor);
        double s = Math.sqrt((double) imageArea / ((double) w * h));
        long rows = (long) Math.rint(h * s / spatialFactor), cols = (long) Math.rint(w * s / spatialFactor);
        if (rows < 1 || cols < 1 || rows > 4096 || cols > 4096) {
            throw new IllegalArgumentException("ratio " + ratio + " at image area " + imageArea + " gives a " + rows + "x" + cols + " grid (need 1..4096 per side)");
        }
        return new GridSize((int) rows, (int) cols);
    }

    /** Mode 'G': {@code bos text boi "H*W" img}; generation continues with the first row's codes. */
    public int[] generationPrompt(String text, GridSize grid) {
        return concat(new int[] {tokens.bos()}, tokenizer.encode(text), imageHeader(1, grid, false));
    }

    /** The video analogue: {@code bos text boi "T*H*W" img}. */
    public int[] videoPrompt(String text, int frames, GridSize grid) {
        return concat(new int[] {tokens.bos()}, tokenizer.encode(text), imageHeader(frames, grid, true));
    }

    /** {@code boi "H*W" img} (image) or {@code boi "T*H*W" img} (video). */
    public int[] imageHeader(int frames, GridSize grid, boolean video) {
        if (frames <= 0 || !video && frames != 1) throw new IllegalArgumentException("an image is one frame; a video needs at least one, got " + frames);
        String size = (video ? frames + "*" : "") + grid.height() + "*" + grid.width();
        return concat(new int[] {tokens.boi()}, tokenizer.encode(size), new int[] {tokens.img()});
    }

    /** A whole image or video block: header, frames of rows each closed by eol, eof per frame, then eoi. codes (frames, h, w) row-major. */
    public int[] visualBlock(int[] codes, int frames, GridSize grid, boolean video) {
        return concat(imageHeader(frames, grid, video), tokens.imageBlockBody(codes, frames, grid.height(), grid.width()));
    }

    /** Mode 'U': {@code bos + chat_template(image_prompt = block, text_prompt = text)}; block may be empty (text-only chat). */
    public int[] understandingPrompt(int[] block, String text) {
        int at = chatTemplate.indexOf(IMAGE_PROMPT), tt = chatTemplate.indexOf(TEXT_PROMPT);
        // The template is plain text around the two slots; the text prompt is spliced in before tokenising.
        String beforeImage = chatTemplate.substring(0, at);
        String afterImage = chatTemplate.substring(at + IMAGE_PROMPT.length());
        if (tt < at) {
            beforeImage = beforeImage.replace(TEXT_PROMPT, text);
        } else {
            afterImage = afterImage.replace(TEXT_PROMPT, text);
        }
        return concat(new int[] {tokens.bos()}, tokenizer.encode(beforeImage), block, tokenizer.encode(afterImage));
    }

    static int[] concat(int[]... parts) {
        int n = 0;
        for (int[] p : parts) n += p.length;
        int[] out = Arrays.copyOf(parts[0], n);
        int k = parts[0].length;
        for (int i = 1; i < parts.length; i++) {
            System.arraycopy(parts[i], 0, out, k, parts[i].length);
            k += parts[i].length;
        }
        return out;
    }
}
