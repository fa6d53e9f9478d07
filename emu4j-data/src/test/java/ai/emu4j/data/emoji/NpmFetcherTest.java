package ai.emu4j.data.emoji;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.emu4j.data.DataException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** npm itself is replaced by small shell scripts, so these run offline and test every error path. */
class NpmFetcherTest {
    private static NpmPackage fake(Path tgz) throws IOException {
        return new NpmPackage("emojilib", "4.0.3", NpmFetcher.integrity(tgz));
    }

    private static String script(Path dir, String body) throws IOException {
        Path s = dir.resolve("npm.sh");
        Files.writeString(s, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(s, PosixFilePermissions.fromString("rwx------"));
        return s.toString();
    }

    @Test
    void cachedTarballWithPinnedIntegrityNeedsNoNpm(@TempDir Path dir) throws IOException {
        Path cache = Files.createDirectories(dir.resolve("cache"));
        NpmPackage pkg = fake(FakeNpm.emojilib(cache));
        assertEquals(cache.resolve("emojilib-4.0.3.tgz"), new NpmFetcher(cache, dir.resolve("no-npm").toString()).fetch(pkg));
    }

    @Test
    void npmPackIsRunAndItsIntegrityChecked(@TempDir Path dir) throws IOException {
        Path src = FakeNpm.emojilib(Files.createDirectories(dir.resolve("registry")));
        NpmPackage pkg = fake(src);
        String npm = script(dir, "cp " + src + " \"$5/emojilib-4.0.3.tgz\"\necho '[{\"integrity\": \"" + pkg.integrity() + "\"}]'");
        Path got = new NpmFetcher(dir.resolve("cache"), npm).fetch(pkg);
        assertEquals(pkg.integrity(), NpmFetcher.integrity(got));
        NpmPackage pinnedOther = new NpmPackage("emojilib", "4.0.3", "sha512-AAAA");
        Files.delete(got);
        DataException swapped = assertThrows(DataException.class, () -> new NpmFetcher(dir.resolve("cache"), npm).fetch(pinnedOther));
        assertTrue(swapped.getMessage().contains("is pinned"), swapped.getMessage());
    }

    @Test
    void errorsAreOneClearLine(@TempDir Path dir) throws IOException {
        Path cache = Files.createDirectories(dir.resolve("cache"));
        NpmPackage pkg = NpmPackage.EMOJILIB;
        DataException noNpm = assertThrows(DataException.class, () -> new NpmFetcher(cache, dir.resolve("no-npm").toString()).fetch(pkg));
        assertTrue(noNpm.getMessage().startsWith("npm not found"), noNpm.getMessage());

        String notFound = script(dir, "echo 'npm warn config' >&2\necho 'npm error code E404' >&2\necho 'npm error 404 Not Found - GET https://registry.npmjs.org/emojilib' >&2\nexit 1");
        DataException missing = assertThrows(DataException.class, () -> new NpmFetcher(cache, notFound).fetch(pkg));
        assertTrue(missing.getMessage().startsWith("npm pack emojilib@4.0.3 failed (exit 1): npm error code E404"), missing.getMessage());

        Files.writeString(cache.resolve(pkg.tarball()), "not a tarball");
        DataException corrupt = assertThrows(DataException.class, () -> new NpmFetcher(cache, notFound).fetch(pkg));
        assertTrue(corrupt.getMessage().startsWith("corrupt tarball ") && corrupt.getMessage().endsWith("delete it to download again"), corrupt.getMessage());

        DataException badGzip = assertThrows(DataException.class, () -> TarGz.read(cache.resolve(pkg.tarball()), p -> true));
        assertTrue(badGzip.getMessage().startsWith("corrupt tarball "), badGzip.getMessage());
        for (DataException e : new DataException[] {noNpm, missing, corrupt, badGzip}) assertTrue(!e.getMessage().contains("\n"), e.getMessage());
    }
}
