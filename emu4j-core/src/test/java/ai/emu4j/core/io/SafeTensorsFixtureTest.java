package ai.emu4j.core.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.emu4j.core.tensor.DType;
import com.fasterxml.jackson.databind.JsonNode;
import java.lang.foreign.MemorySegment;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Files written by PyTorch (tools/fixtures) read back with the same names, shapes and values. */
class SafeTensorsFixtureTest {
    @ParameterizedTest
    @ValueSource(strings = {"basic", "unpadded"})
    void readsWhatPyTorchWrote(String name) throws Exception {
        JsonNode want = StFiles.expected(name);
        try (SafeTensorsFile f = SafeTensors.open(StFiles.fixture(name + ".safetensors"))) {
            List<TensorEntry> entries = f.entries();
            assertEquals(want.get("tensor_count").asInt(), entries.size());
            assertEquals(want.get("total_params").asLong(), f.parameterCount());
            for (int i = 0; i < entries.size(); i++) {
                JsonNode w = want.get("tensors").get(i);
                TensorEntry e = entries.get(i);
                assertEntry(w, e);
                assertValues(w, e, f.data(e));
            }
            Map<String, String> meta = new LinkedHashMap<>();
            want.get("metadata").properties().forEach(kv -> meta.put(kv.getKey(), kv.getValue().asText()));
            assertEquals(meta, f.metadata());
        }
    }

    @Test
    void dataIsUnusableAfterClose() throws Exception {
        MemorySegment seg;
        try (SafeTensorsFile f = SafeTensors.open(StFiles.fixture("basic.safetensors"))) {
            seg = f.data("emb.weight");
            assertEquals(60, seg.byteSize());
        }
        assertThrows(IllegalStateException.class, () -> StFiles.element(seg, "F32", 0));
    }

    static void assertEntry(JsonNode w, TensorEntry e) {
        assertEquals(w.get("name").asText(), e.name());
        assertEquals(w.get("dtype").asText(), e.dtypeName());
        assertEquals(DType.fromSafetensorsName(w.get("dtype").asText()), e.dtype());
        assertNotNull(e.dtype(), "every fixture dtype is an engine dtype");
        long[] shape = new long[w.get("shape").size()];
        for (int d = 0; d < shape.length; d++) shape[d] = w.get("shape").get(d).asLong();
        assertArrayEquals(shape, e.shape(), e.name());
        assertEquals(w.get("byte_size").asLong(), e.byteSize(), e.name());
        assertEquals(w.get("begin").asLong(), e.begin(), e.name());
        assertEquals(w.get("numel").asLong(), e.numel(), e.name());
    }

    static void assertValues(JsonNode w, TensorEntry e, MemorySegment data) {
        JsonNode values = w.get("values");
        assertEquals(e.numel(), values.size(), e.name());
        for (int i = 0; i < values.size(); i++) {
            JsonNode v = values.get(i);
            if (e.dtypeName().equals("I64")) {
                assertEquals(v.asLong(), StFiles.elementI64(data, i), e.name() + "[" + i + "]");
            } else if (v.isBoolean()) {
                assertEquals(v.asBoolean() ? 1 : 0, StFiles.element(data, "BOOL", i), e.name() + "[" + i + "]");
            } else {
                // exact: every stored value is a float32 (or narrower) written by Python as a double
                assertEquals(v.asDouble(), StFiles.element(data, e.dtypeName(), i), 0.0, e.name() + "[" + i + "]");
            }
        }
    }
}
