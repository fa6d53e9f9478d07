import ai.emu4j.data.ManifestEntry;
import ai.emu4j.data.Split;
import ai.emu4j.eval.EvalData;
import ai.emu4j.models.emu3.Emu3Bundle;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The vision tokenizer's codes of a data folder's emoji pictures, in the format of the code cache
 * {@code emu4j train lm} writes ({@code {"entries":[{"id":..,"video":false,"codes":[..]}]}}), for
 * {@code tools/demo/code_probe.py}: the trainer's cache holds the training split and its views only.
 * <p>
 * Build first (README), then:
 * {@code java --add-modules jdk.incubator.vector -cp "emu4j-cli/target/emu4j-cli-0.1.0-SNAPSHOT.jar:emu4j-cli/target/lib/*" tools/demo/TestCodes.java MODEL DATA OUT.json [train]}
 * <p>
 * Writes the test split's codes; with {@code train}, the training split's too (no views), for data the
 * trainer has not cached. About 12 ms a picture on two cores.
 */
public class TestCodes {
    public static void main(String[] args) throws Exception {
        if (args.length < 3 || args.length > 4 || (args.length == 4 && !args[3].equals("train"))) {
            throw new IllegalArgumentException("usage: TestCodes MODEL DATA OUT.json [train]");
        }
        Split[] splits = args.length == 4 ? new Split[]{Split.TRAIN, Split.TEST} : new Split[]{Split.TEST};
        Path out = Path.of(args[2]), partial = Path.of(args[2] + ".partial");
        try (Emu3Bundle b = Emu3Bundle.load(Path.of(args[0]));
             PrintWriter w = new PrintWriter(Files.newBufferedWriter(partial, StandardCharsets.UTF_8))) {
            EvalData d = EvalData.read(Path.of(args[1]));
            String sep = "";
            w.print("{\"entries\":[");
            for (ManifestEntry e : d.select(EvalData.EMOJI, splits)) {
                int[] codes = b.encodeImage(d.image(e)).codes();
                if (!e.id().matches("[A-Za-z0-9._-]+")) throw new IllegalArgumentException("unexpected characters in manifest id: " + e.id());
                w.print(sep + "{\"id\":\"" + e.id() + "\",\"video\":false,\"codes\":" + Arrays.toString(codes).replace(" ", "") + "}");
                sep = ",";
            }
            w.println("]}");
        }
        Files.move(partial, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
}
