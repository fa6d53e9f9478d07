package ai.emu4j.core.io;

import static ai.emu4j.core.io.Json.quote;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A parsed {@code model.safetensors.index.json}: tensor name -> shard file, in index order. Shard
 * names are checked as hostile: only bare {@code *.safetensors} names that resolve (symlinks
 * followed) to a regular file directly inside the index's folder, the rule that closes the
 * path-traversal holes model loaders have had. The one exception is the Hugging Face cache, whose
 * {@code models--org--name/snapshots/REV/x.safetensors} are symlinks to {@code models--org--name/blobs/SHA}:
 * a shard of a folder directly under a {@code snapshots} folder may resolve into the sibling
 * {@code blobs} folder, and nowhere else. Extra top-level keys are ignored; {@code metadata}
 * (e.g. total_size) is informational and kept as text.
 */
record ShardIndex(Path folder, Map<String, String> weightMap, Map<String, String> metadata) {
    static final String FILE_NAME = "model.safetensors.index.json";

    static ShardIndex read(Path indexFile) throws IOException {
        String source = SafeTensors.sourceName(indexFile);
        if (!Files.isRegularFile(indexFile)) throw new SafeTensorsException(source + ": not a regular file");
        byte[] bytes;
        try (InputStream in = Files.newInputStream(indexFile)) {
            bytes = in.readNBytes((int) SafeTensors.MAX_HEADER_BYTES + 1);
        }
        if (bytes.length > SafeTensors.MAX_HEADER_BYTES) {
            throw new SafeTensorsException(source + ": index is over the limit of " + SafeTensors.MAX_HEADER_BYTES + " bytes");
        }
        JsonNode root = Json.parse(source, "index", Json.decodeUtf8(source, "index", bytes));
        if (!root.isObject()) throw new SafeTensorsException(source + ": index is not a JSON object");
        Path folder = indexFile.toAbsolutePath().getParent().toRealPath();

        JsonNode map = root.get("weight_map");
        if (map == null || !map.isObject()) throw new SafeTensorsException(source + ": index has no \"weight_map\" object");
        Map<String, String> weightMap = new LinkedHashMap<>();
        Set<String> checked = new HashSet<>();
        for (Map.Entry<String, JsonNode> kv : map.properties()) {
            String at = source + ": tensor " + quote(kv.getKey()) + ": ";
            if (!kv.getValue().isTextual()) {
                throw new SafeTensorsException(at + "shard must be a file name string, found " + kv.getValue().getNodeType());
            }
            String shard = kv.getValue().textValue();
            if (checked.add(shard)) checkShard(at, folder, shard);
            weightMap.put(kv.getKey(), shard);
        }

        Map<String, String> metadata = new LinkedHashMap<>();
        JsonNode meta = root.get("metadata");
        if (meta != null && !meta.isNull()) {
            if (!meta.isObject()) throw new SafeTensorsException(source + ": index \"metadata\" must be an object");
            for (Map.Entry<String, JsonNode> kv : meta.properties()) {
                metadata.put(kv.getKey(), kv.getValue().isTextual() ? kv.getValue().textValue() : kv.getValue().toString());
            }
        }
        return new ShardIndex(folder, Collections.unmodifiableMap(weightMap), Collections.unmodifiableMap(metadata));
    }

    private static void checkShard(String at, Path folder, String shard) throws IOException {
        String bad = null;
        if (shard.isEmpty()) bad = "is empty";
        else if (shard.indexOf('\0') >= 0) bad = "contains a NUL character";
        else if (shard.startsWith("/") || shard.startsWith("\\")) bad = "is an absolute path";
        else if (shard.indexOf(':') >= 0) bad = "contains ':' (drive letter or stream name)";
        else if (shard.contains("..")) bad = "contains '..'";
        else if (shard.indexOf('/') >= 0 || shard.indexOf('\\') >= 0) bad = "contains a path separator";
        else if (!shard.endsWith(".safetensors")) bad = "does not end in .safetensors";
        if (bad != null) {
            throw new SafeTensorsException(at + "shard " + quote(shard) + " " + bad
                    + "; an index may only name .safetensors files in its own folder");
        }
        Path file;
        try {
            file = folder.resolve(shard);
        } catch (InvalidPathException e) {
            throw new SafeTensorsException(at + "shard " + quote(shard) + " is not a valid file name here");
        }
        if (!Files.exists(file)) {
            String why = Files.exists(file, LinkOption.NOFOLLOW_LINKS) ? "is a dangling symlink" : "does not exist";
            throw new SafeTensorsException(at + "shard " + quote(shard) + " " + why + " in " + folder);
        }
        Path real = file.toRealPath();
        if (!folder.equals(real.getParent()) && !huggingFaceBlob(folder, real)) {
            throw new SafeTensorsException(at + "shard " + quote(shard) + " is a symlink leading outside the model folder");
        }
        if (!Files.isRegularFile(real)) throw new SafeTensorsException(at + "shard " + quote(shard) + " is not a regular file");
    }

    /** folder is REPO/snapshots/REV and real is REPO/blobs/NAME (all real paths). */
    private static boolean huggingFaceBlob(Path folder, Path real) {
        Path snapshots = folder.getParent();
        if (snapshots == null || snapshots.getFileName() == null || !snapshots.getFileName().toString().equals("snapshots")) return false;
        Path repo = snapshots.getParent();
        return repo != null && repo.resolve("blobs").equals(real.getParent());
    }
}
