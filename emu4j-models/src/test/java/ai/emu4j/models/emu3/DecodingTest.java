package ai.emu4j.models.emu3;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DecodingTest {
    private static Decoding read(Path dir, String json) throws IOException {
        Files.writeString(dir.resolve(Decoding.FILE), json);
        return Decoding.read(dir);
    }

    @Test
    void readsTheTwoFieldsAndDefaultsTheRest(@TempDir Path dir) throws IOException {
        assertEquals(Decoding.GREEDY, Decoding.read(dir), "no file: greedy");
        assertEquals(new Decoding(3, 1f), read(dir, "{\"num_beams\": 3, \"max_new_tokens\": 20, \"eos_token_id\": [1, 2]}"));
        assertEquals(new Decoding(1, 2f), read(dir, "{\"length_penalty\": 2, \"num_beams\": null}"));
        assertEquals(new Decoding(2, 1f), read(dir, "{\"num_beams\": 2.0}"));
    }

    @Test
    void badFilesNameTheFileAndTheField(@TempDir Path dir) {
        for (String bad : new String[] {"[]", "{\"num_beams\": 0}", "{\"num_beams\": 65}", "{\"num_beams\": \"4\"}", "{\"num_beams\": 2.5}",
                "{\"num_beams\": 1e30}", "{\"length_penalty\": \"long\"}", "{\"num_beams\": 4", "null"}) {
            IOException e = assertThrows(IOException.class, () -> read(dir, bad), bad);
            assertTrue(e.getMessage().contains(Decoding.FILE), bad + ": " + e.getMessage());
        }
    }
}
