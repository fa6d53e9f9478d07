package ai.emu4j.models.emu3;

import ai.emu4j.models.llama.SummarySite;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PictureSitesTest {
    // bos 1, eos 2, pad 0, img 3, boi 4, eoi 5, eol 6, eof 7; codes 0..15 are ids 8..23
    private static final VisionTokens T = new VisionTokens(1, 2, 0, 3, 4, 5, 6, 7, 8, 16);
    private static final PictureSites FIND = new PictureSites(T);

    private static int[] block(int h, int w, int frames, int firstCode) {
        int[] codes = new int[frames * h * w];
        for (int i = 0; i < codes.length; i++) codes[i] = (firstCode + i) % 16;
        int[] body = T.imageBlockBody(codes, frames, h, w);
        int[] out = new int[body.length + 3];
        out[0] = T.boi();
        out[1] = 30;                                    // the size text, whatever its tokens
        out[2] = T.img();
        System.arraycopy(body, 0, out, 3, body.length);
        return out;
    }

    private static int[] concat(int[]... parts) {
        return Arrays.stream(parts).flatMapToInt(Arrays::stream).toArray();
    }

    @Test
    void findsEveryWholePictureWithItsGridAndCodes() {
        int[] ids = concat(new int[] {1, 40, 41}, block(2, 3, 1, 0), new int[] {42, 43}, block(1, 4, 1, 5), new int[] {2});
        List<SummarySite> sites = FIND.find(7, ids);
        assertEquals(2, sites.size());
        SummarySite a = sites.get(0), b = sites.get(1);
        assertEquals(7, a.row());
        assertEquals(T.eoi(), ids[a.position()]);
        assertEquals(3 + 3 + 2 * 4 + 1, a.position());
        assertEquals(2, a.height());
        assertEquals(3, a.width());
        assertArrayEquals(new int[] {8, 9, 10, 11, 12, 13}, a.codes());
        assertEquals(1, b.height());
        assertEquals(4, b.width());
        assertArrayEquals(new int[] {13, 14, 15, 16}, b.codes());
    }

    @Test
    void videosCutBlocksAndRaggedRowsHaveNoSite() {
        assertTrue(FIND.find(0, block(2, 2, 3, 0)).isEmpty(), "a three-frame video");
        int[] whole = block(2, 3, 1, 0);
        assertTrue(FIND.find(0, Arrays.copyOfRange(whole, 4, whole.length)).isEmpty(), "header cut off (picture in a KV cache)");
        assertTrue(FIND.find(0, Arrays.copyOf(whole, whole.length - 1)).isEmpty(), "no eoi yet");
        int[] ragged = whole.clone();
        ragged[3] = 40;                                 // a text token inside the first row
        assertTrue(FIND.find(0, ragged).isEmpty(), "a row with a non-code");
        int[] emptyRow = concat(new int[] {T.img(), T.eol(), 8, T.eol(), T.eof(), T.eoi()});
        assertTrue(FIND.find(0, emptyRow).isEmpty(), "an empty row");
        assertTrue(FIND.find(0, new int[] {T.eof(), T.eoi()}).isEmpty());
        assertTrue(FIND.find(0, new int[] {T.eoi()}).isEmpty());
        assertTrue(FIND.find(0, new int[0]).isEmpty());
    }
}
