package ai.emu4j.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@code SHA256SUMS} in coreutils format ("HEX  relative/path"), so {@code sha256sum -c SHA256SUMS} checks a
 * dataset folder without emu4j. Paths are sorted and use '/', so the file itself is byte-stable.
 */
public final class Checksums {
    public static final String FILE = "SHA256SUMS";

    private Checksums() {}

    /** Writes SHA256SUMS over every regular file under dir (except itself) and returns its own SHA-256. */
    public static String write(Path dir) throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.walk(dir)) {
            files = s.filter(Files::isRegularFile).filter(p -> !p.equals(dir.resolve(FILE))).toList();
        }
        List<String> lines = files.stream().map(p -> dir.relativize(p).toString().replace('\\', '/')).sorted().toList();
        StringBuilder sb = new StringBuilder();
        for (String rel : lines) sb.append(sha256(dir.resolve(rel))).append("  ").append(rel).append('\n');
        Files.writeString(dir.resolve(FILE), sb, StandardCharsets.UTF_8);
        return sha256(dir.resolve(FILE));
    }

    public static String sha256(Path file) throws IOException {
        return HexFormat.of().formatHex(digest(file, "SHA-256"));
    }

    public static byte[] digest(Path file, String algorithm) throws IOException {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), newDigest(algorithm))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return ((DigestInputStream) in).getMessageDigest().digest();
        }
    }

    static MessageDigest newDigest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
