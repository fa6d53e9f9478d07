package ai.emu4j.core.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.emu4j.core.tensor.DType;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelWeightsTest {
    @TempDir
    Path dir;

    @Test
    void readsTheShardedFixture() throws IOException {
        JsonNode want = StFiles.expected("sharded");
        try (ModelWeights w = ModelWeights.open(StFiles.fixture("sharded"))) {
            assertTrue(w.sharded());
            assertEquals(List.of("model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"), w.shardNames());
            assertEquals(want.get("total_params").asLong(), w.parameterCount());
            assertEquals(want.get("metadata").get("total_size").asText(), w.metadata().get("total_size"));
            List<TensorEntry> entries = w.entries();
            assertEquals(want.get("tensor_count").asInt(), entries.size());
            for (int i = 0; i < entries.size(); i++) {
                JsonNode t = want.get("tensors").get(i);
                TensorEntry e = entries.get(i);
                SafeTensorsFixtureTest.assertEntry(t, e);
                assertEquals(t.get("shard").asText(), w.shardOf(e.name()));
                ModelWeights.Weight weight = w.weight(e.name());
                assertEquals(t.get("shard").asText(), weight.shard());
                SafeTensorsFixtureTest.assertValues(t, e, weight.data());
            }
        }
    }

    @Test
    void opensAFileAFolderWithModelSafetensorsAndTheIndexFileItself() throws IOException {
        Path folder = Files.createDirectory(dir.resolve("m"));
        Files.copy(StFiles.fixture("unpadded.safetensors"), folder.resolve("model.safetensors"));
        try (ModelWeights w = ModelWeights.open(folder)) {
            assertFalse(w.sharded());
            assertEquals(List.of("model.safetensors"), w.shardNames());
            assertEquals(8, w.parameterCount());
            assertEquals(12, w.data("a").byteSize());
        }
        try (ModelWeights w = ModelWeights.open(StFiles.fixture("basic.safetensors"))) {
            assertEquals("emu4j fixture", w.metadata().get("note"));
        }
        try (ModelWeights w = ModelWeights.open(StFiles.fixture("sharded/model.safetensors.index.json"))) {
            assertEquals(5, w.entries().size());
        }
    }

    @Test
    void closedWeightsRefuseAccess() throws IOException {
        ModelWeights w = ModelWeights.open(StFiles.fixture("sharded"));
        MemorySegment seg = w.data("embed.weight");
        w.close();
        assertThrows(IllegalStateException.class, () -> w.data("lm_head.weight"));
        assertThrows(IllegalStateException.class, () -> seg.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 0));
    }

    @Test
    void missingPathsAndEmptyFolders() throws IOException {
        assertThrows(NoSuchFileException.class, () -> ModelWeights.open(dir.resolve("nope")));
        SafeTensorsException e = assertThrows(SafeTensorsException.class, () -> ModelWeights.open(dir));
        assertTrue(e.getMessage().contains("neither model.safetensors nor model.safetensors.index.json"), e.getMessage());
    }

    private Path model(String weightMapJson) throws IOException {
        Path folder = Files.createDirectories(dir.resolve("model"));
        new SafeTensorsWriter().add("a", DType.U8, new long[] {1}, new byte[] {1}).write(folder.resolve("s1.safetensors"));
        new SafeTensorsWriter().add("b", DType.U8, new long[] {1}, new byte[] {2}).write(folder.resolve("s2.safetensors"));
        Files.writeString(folder.resolve(ShardIndex.FILE_NAME), "{\"metadata\":{\"total_size\":2},\"weight_map\":" + weightMapJson + "}");
        return folder;
    }

    private String reject(String weightMapJson, String... parts) throws IOException {
        Path folder = model(weightMapJson);
        SafeTensorsException e = assertThrows(SafeTensorsException.class, () -> ModelWeights.open(folder).close());
        for (String part : parts) assertTrue(e.getMessage().contains(part), "'" + part + "' not in: " + e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
        return e.getMessage();
    }

    @Test
    void validIndexOpens() throws IOException {
        try (ModelWeights w = ModelWeights.open(model("{\"a\":\"s1.safetensors\",\"b\":\"s2.safetensors\"}"))) {
            assertEquals(2, w.parameterCount());
            assertEquals(2, w.data("b").get(java.lang.foreign.ValueLayout.JAVA_BYTE, 0));
        }
    }

    @Test
    void indexPointingOutsideTheFolder() throws IOException {
        Files.copy(StFiles.fixture("unpadded.safetensors"), dir.resolve("x.safetensors"));
        reject("{\"a\":\"../x.safetensors\",\"b\":\"s2.safetensors\"}", "tensor 'a'", "'../x.safetensors'", "'..'");
        reject("{\"a\":\"" + dir.resolve("x.safetensors") + "\",\"b\":\"s2.safetensors\"}", "absolute path");
        reject("{\"a\":\"sub/s1.safetensors\",\"b\":\"s2.safetensors\"}", "path separator");
        reject("{\"a\":\"sub\\\\s1.safetensors\",\"b\":\"s2.safetensors\"}", "path separator");
        reject("{\"a\":\"C:s1.safetensors\",\"b\":\"s2.safetensors\"}", "':'");
        reject("{\"a\":\"s1.bin\",\"b\":\"s2.safetensors\"}", "does not end in .safetensors");
        reject("{\"a\":\"\",\"b\":\"s2.safetensors\"}", "is empty");
        reject("{\"a\":[\"s1.safetensors\"],\"b\":\"s2.safetensors\"}", "must be a file name string");
    }

    @Test
    void symlinkEscapingTheFolder() throws IOException {
        Path outside = dir.resolve("outside.safetensors");
        Files.copy(StFiles.fixture("unpadded.safetensors"), outside);
        Path folder = model("{\"a\":\"s1.safetensors\",\"b\":\"s2.safetensors\"}");
        Files.createSymbolicLink(folder.resolve("link.safetensors"), outside);
        Files.writeString(folder.resolve(ShardIndex.FILE_NAME), "{\"weight_map\":{\"a\":\"link.safetensors\"}}");
        SafeTensorsException e = assertThrows(SafeTensorsException.class, () -> ModelWeights.open(folder));
        assertTrue(e.getMessage().contains("symlink leading outside"), e.getMessage());
    }

    @Test
    void huggingFaceCacheSnapshotsMayPointIntoTheirOwnBlobsOnly() throws IOException {
        // models--org--name/{blobs/SHA, snapshots/REV/model-0000k.safetensors -> ../../blobs/SHA}, as huggingface_hub lays it out
        Path repo = dir.resolve("models--org--name"), blobs = Files.createDirectories(repo.resolve("blobs"));
        Path snapshot = Files.createDirectories(repo.resolve("snapshots/0123abc"));
        Path sharded = StFiles.fixture("sharded");
        for (String shard : List.of("model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors")) {
            Path blob = blobs.resolve("sha-" + shard.charAt(10));
            Files.copy(sharded.resolve(shard), blob);
            Files.createSymbolicLink(snapshot.resolve(shard), Path.of("../../blobs").resolve(blob.getFileName()));
        }
        Path indexBlob = blobs.resolve("sha-index");
        Files.copy(sharded.resolve(ShardIndex.FILE_NAME), indexBlob);
        Files.createSymbolicLink(snapshot.resolve(ShardIndex.FILE_NAME), Path.of("../../blobs/sha-index"));
        try (ModelWeights w = ModelWeights.open(snapshot)) {
            assertEquals(StFiles.expected("sharded").get("total_params").asLong(), w.parameterCount());
        }

        // the same layout pointing at another repo's blobs is still an escape
        Path other = Files.createDirectories(dir.resolve("models--evil--x/blobs"));
        Files.move(blobs.resolve("sha-1"), other.resolve("sha-1"));
        Files.delete(snapshot.resolve("model-00001-of-00002.safetensors"));
        Files.createSymbolicLink(snapshot.resolve("model-00001-of-00002.safetensors"), other.resolve("sha-1"));
        SafeTensorsException e = assertThrows(SafeTensorsException.class, () -> ModelWeights.open(snapshot));
        assertTrue(e.getMessage().contains("symlink leading outside"), e.getMessage());
    }

    @Test
    void indexNamingAMissingShard() throws IOException {
        reject("{\"a\":\"s1.safetensors\",\"b\":\"s3.safetensors\"}", "tensor 'b'", "'s3.safetensors'", "does not exist");
    }

    @Test
    void indexAndShardsMustAgree() throws IOException {
        reject("{\"a\":\"s1.safetensors\",\"b\":\"s2.safetensors\",\"c\":\"s2.safetensors\"}",
                "tensor 'c'", "'s2.safetensors'", "does not contain it");
        reject("{\"a\":\"s1.safetensors\",\"b\":\"s1.safetensors\"}", "tensor 'b'", "does not contain it");
        Path folder = model("{\"a\":\"s1.safetensors\",\"b\":\"s2.safetensors\"}");
        new SafeTensorsWriter().add("b", DType.U8, new long[] {1}, new byte[1]).add("c", DType.U8, new long[] {1}, new byte[1])
                .write(folder.resolve("s2.safetensors"));
        SafeTensorsException e = assertThrows(SafeTensorsException.class, () -> ModelWeights.open(folder));
        assertEquals("s2.safetensors: tensor 'c' is not mapped to this shard by model.safetensors.index.json"
                + " (stale or mixed checkpoint?)", e.getMessage());
    }

    @Test
    void shardFilesTheIndexDoesNotNameAreNotRead() throws IOException {
        Path folder = model("{\"a\":\"s1.safetensors\"}");
        Files.write(folder.resolve("s2.safetensors"), new byte[3]);
        try (ModelWeights w = ModelWeights.open(folder)) {
            assertEquals(List.of("s1.safetensors"), w.shardNames());
        }
    }

    @Test
    void indexSchema() throws IOException {
        Path folder = model("{}");
        Files.writeString(folder.resolve(ShardIndex.FILE_NAME), "{\"weight_map\":{\"a\":\"s1.safetensors\",\"a\":\"s1.safetensors\"}}");
        SafeTensorsException dup = assertThrows(SafeTensorsException.class, () -> ModelWeights.open(folder));
        assertTrue(dup.getMessage().contains("Duplicate"), dup.getMessage());
        Files.writeString(folder.resolve(ShardIndex.FILE_NAME), "{\"metadata\":{}}");
        SafeTensorsException none = assertThrows(SafeTensorsException.class, () -> ModelWeights.open(folder));
        assertTrue(none.getMessage().contains("no \"weight_map\""), none.getMessage());
    }

    @Test
    void aBrokenShardIsReportedWithItsName() throws IOException {
        Path folder = model("{\"a\":\"s1.safetensors\",\"b\":\"s2.safetensors\"}");
        Files.write(folder.resolve("s2.safetensors"), new byte[3]);
        SafeTensorsException e = assertThrows(SafeTensorsException.class, () -> ModelWeights.open(folder));
        assertTrue(e.getMessage().startsWith("s2.safetensors: "), e.getMessage());
    }
}
