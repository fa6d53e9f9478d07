package ai.emu4j.data.mix;

import ai.emu4j.data.Checksums;
import ai.emu4j.data.DataException;
import ai.emu4j.data.Images;
import ai.emu4j.data.Manifest;
import ai.emu4j.data.ManifestEntry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Merges dataset folders into one training folder: {@code OUT/<name>/<file>} for each input folder
 * (named after its last path element) and one manifest.jsonl in input order, each entry tagged with
 * {@code "source": name}. Images are rewritten as opaque RGB PNGs composited over white (emoji PNGs
 * are transparent, and a tokenizer that drops alpha would otherwise see black backgrounds where the
 * judges see white); clips are copied byte for byte. Splits are kept, so held-out items stay held out.
 */
public final class DatasetMix {
    private DatasetMix() {}

    /** Writes the mix and returns the SHA-256 of its SHA256SUMS. */
    public static String write(List<Path> inputs, Path out) throws IOException {
        if (inputs.isEmpty()) throw new DataException("no dataset folders to mix");
        Set<String> names = new HashSet<>(), ids = new HashSet<>();
        for (Path in : inputs) {
            String name = name(in);
            if (!names.add(name)) throw new DataException("two input folders are both named " + name + "; rename one");
        }
        Files.createDirectories(out);
        List<ManifestEntry> merged = new ArrayList<>();
        for (Path in : inputs) {
            String name = name(in);
            Path base = in.toAbsolutePath().normalize();
            for (ManifestEntry e : Manifest.read(in)) {
                if (!ids.add(e.id())) throw new DataException(in + ": id " + e.id() + " already used by an earlier folder");
                Path src = base.resolve(e.file()).normalize();
                if (!src.startsWith(base) || !Files.isRegularFile(src)) throw new DataException(in + ": entry " + e.id() + " names a missing file or one outside the folder: " + e.file());
                String rel = name + "/" + e.file().replace('\\', '/');
                Path dst = out.resolve(rel);
                Files.createDirectories(dst.getParent());
                if (e.kind().equals(ManifestEntry.IMAGE)) Images.writePng(Images.readRgb(src), dst);
                else Files.copy(src, dst, StandardCopyOption.REPLACE_EXISTING);
                Map<String, Object> extra = new LinkedHashMap<>();
                extra.put("source", name);
                extra.putAll(e.extra());
                merged.add(new ManifestEntry(e.id(), rel, e.kind(), e.caption(), e.split(), extra));
            }
        }
        Manifest.write(out, merged);
        return Checksums.write(out);
    }

    private static String name(Path in) {
        Path f = in.toAbsolutePath().normalize().getFileName();
        if (f == null) throw new DataException(in + ": a dataset folder needs a name");
        return f.toString();
    }
}
