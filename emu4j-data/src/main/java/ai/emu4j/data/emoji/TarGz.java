package ai.emu4j.data.emoji;

import ai.emu4j.data.DataException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/** Reads selected regular files of an npm tarball into memory, with the leading "package/" folder removed. */
public final class TarGz {
    private TarGz() {}

    public static Map<String, byte[]> read(Path tgz, Predicate<String> wanted) {
        Map<String, byte[]> out = new TreeMap<>();
        try (InputStream in = new GzipCompressorInputStream(new BufferedInputStream(Files.newInputStream(tgz)));
             TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                if (!e.isFile()) continue;
                String name = e.getName();
                int slash = name.indexOf('/');
                String rel = slash < 0 ? name : name.substring(slash + 1);
                if (wanted.test(rel)) out.put(rel, tar.readAllBytes());
            }
        } catch (IOException e) {
            throw new DataException("corrupt tarball " + tgz + ": " + e.getMessage(), e);
        }
        return out;
    }
}
