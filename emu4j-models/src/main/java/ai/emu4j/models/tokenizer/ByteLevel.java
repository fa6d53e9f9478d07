package ai.emu4j.models.tokenizer;

import java.io.ByteArrayOutputStream;

/**
 * GPT-2's reversible byte-to-character map ({@code bytes_to_unicode} in openai/gpt-2 encoder.py): the
 * printable Latin-1 bytes map to themselves, the other 68 bytes to U+0100 upwards in byte order. Byte-level
 * BPE vocabularies (GPT-2, RoBERTa, Llama 3, Qwen tokenizer.json) spell every token in these characters.
 */
public final class ByteLevel {
    private static final char[] BYTE_TO_CHAR = new char[256];
    /** Indexed by char; -1 where the char is not one of the 256. All 256 chars are below U+0144. */
    private static final int[] CHAR_TO_BYTE = new int[0x144];

    static {
        java.util.Arrays.fill(CHAR_TO_BYTE, -1);
        int extra = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            char c = printable ? (char) b : (char) (256 + extra++);
            BYTE_TO_CHAR[b] = c;
            CHAR_TO_BYTE[c] = b;
        }
    }

    private ByteLevel() {}

    public static char toChar(int b) {
        return BYTE_TO_CHAR[b & 0xFF];
    }

    /** The byte a char stands for, or -1 when it is not one of the 256 byte chars. */
    public static int toByte(char c) {
        return c < CHAR_TO_BYTE.length ? CHAR_TO_BYTE[c] : -1;
    }

    public static String encode(byte[] bytes) {
        char[] out = new char[bytes.length];
        for (int i = 0; i < bytes.length; i++) out[i] = BYTE_TO_CHAR[bytes[i] & 0xFF];
        return new String(out);
    }

    /** The bytes of a byte-level token, or null when some char is outside the map. */
    public static byte[] decode(String token) {
        byte[] out = new byte[token.length()];
        for (int i = 0; i < out.length; i++) {
            int b = toByte(token.charAt(i));
            if (b < 0) return null;
            out[i] = (byte) b;
        }
        return out;
    }

    static void appendDecoded(String token, ByteArrayOutputStream out) {
        byte[] b = decode(token);
        if (b == null) throw new TokenizerException("token " + token + " is not spelled in byte-level characters");
        out.writeBytes(b);
    }
}
