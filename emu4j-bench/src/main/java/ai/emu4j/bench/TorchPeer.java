package ai.emu4j.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a PyTorch peer script from tools/bench/ for one spec at a time and reads back its figures. Every
 * peer script takes {@code REPS SPEC...} and prints {@code SPEC VALUE...} per spec, or a line starting
 * with ERROR. One process per spec costs about a second of torch import but keeps the peer's timing
 * right next to ours. Torch gets the same thread count as our pool (torch.set_num_threads,
 * OMP/OPENBLAS_NUM_THREADS).
 */
public final class TorchPeer {
    private final String python;
    private final String scriptName;
    private final Path script;
    private final int threads;
    private String failure;

    private TorchPeer(String python, String scriptName, Path script, int threads) {
        this.python = python;
        this.scriptName = scriptName;
        this.script = script;
        this.threads = threads;
    }

    /** The peer tools/bench/{scriptName} run by /usr/bin/python3 (else python3 on PATH), found from the repo root. */
    public static TorchPeer locate(String scriptName, int threads) {
        String python = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
        return new TorchPeer(python, scriptName, findScript(scriptName), threads);
    }

    public String describe() {
        return script == null ? "tools/bench/" + scriptName + " not found (set -Demu4j.home)" : python + " " + script + ", " + threads + " threads";
    }

    /** The first figure for spec, or NaN after printing one clear error line (torch missing, script missing...). */
    public double measure(String spec, int reps) {
        return measureAll(spec, reps, 1)[0];
    }

    /** The first {@code count} figures for spec; NaNs after one clear error line when the peer cannot run. */
    public double[] measureAll(String spec, int reps, int count) {
        double[] none = new double[count];
        java.util.Arrays.fill(none, Double.NaN);
        if (failure != null) return none;
        if (script == null) {
            fail("peer script tools/bench/" + scriptName + " not found; run from the repo or set -Demu4j.home");
            return none;
        }
        List<String> cmd = List.of(python, script.toString(), Integer.toString(reps), spec);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("OMP_NUM_THREADS", Integer.toString(threads));
        pb.environment().put("OPENBLAS_NUM_THREADS", Integer.toString(threads));
        pb.environment().put("EMU4J_PEER_THREADS", Integer.toString(threads));
        List<String> lines = new ArrayList<>();
        try {
            Process p = pb.start();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) lines.add(line);
            }
            int rc = p.waitFor();
            for (String line : lines) {
                if (line.startsWith("ERROR")) {
                    fail("peer: " + line.substring(5).trim());
                    return none;
                }
                String[] f = line.trim().split("\\s+");
                if (f.length > count && f[0].equals(spec)) {
                    double[] v = new double[count];
                    for (int i = 0; i < count; i++) v[i] = Double.parseDouble(f[i + 1]);
                    return v;
                }
            }
            fail("peer exited " + rc + " without figures for " + spec + ": " + String.join(" | ", lines));
        } catch (IOException e) {
            fail("cannot run " + python + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail("interrupted");
        }
        return none;
    }

    private void fail(String why) {
        failure = why;
        System.err.println("emu4j bench: no PyTorch figures: " + why);
    }

    /** tools/bench/{scriptName} found from -Demu4j.home, the working directory or this jar's folder upwards; null if none. */
    public static Path findScript(String scriptName) {
        Path rel = Path.of("tools", "bench", scriptName);
        List<Path> starts = new ArrayList<>();
        String home = System.getProperty("emu4j.home");
        if (home != null) starts.add(Path.of(home));
        starts.add(Path.of("").toAbsolutePath());
        try {
            starts.add(Path.of(TorchPeer.class.getProtectionDomain().getCodeSource().getLocation().toURI()));
        } catch (Exception e) {
            // No code source (custom class loader): the cwd and emu4j.home remain.
        }
        for (Path start : starts) {
            for (Path d = start; d != null; d = d.getParent()) {
                if (Files.isRegularFile(d.resolve(rel))) return d.resolve(rel);
            }
        }
        return null;
    }
}
