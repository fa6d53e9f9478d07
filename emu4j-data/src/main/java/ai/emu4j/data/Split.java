package ai.emu4j.data;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** Dataset split. Hash-based assignment keeps an item's split stable when the dataset grows or is reordered. */
public enum Split {
    TRAIN, VAL, TEST;

    public String json() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static Split parse(String s) {
        return valueOf(s.toUpperCase(java.util.Locale.ROOT));
    }

    /** A uniform number in [0, 1) from SHA-256 of the key: the same on every JVM, unlike String.hashCode mixing. */
    public static double unit(String key) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            long v = 0;
            for (int i = 0; i < 7; i++) v = (v << 8) | (h[i] & 0xff);
            return v / (double) (1L << 56);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
