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
 * Runs tools/bench/gemm_peer.py (PyTorch) for one shape spec at a time and reads back its figure. One
 * process per shape costs about a second of torch import but keeps the peer's timing right next to ours.
 * Torch gets the same thread count as our pool (torch.set_num_threads, OMP/OPENBLAS_NUM_THREADS).
 */
public final class TorchPeer {
    private final String python;
    private final Path script;
    private final int threads;
    private String failure;

    private TorchPeer(String python, Path script, int threads) {
        this.python = python;
        this.script = script;
        this.threads = threads;
    }

    /** The peer using /usr/bin/python3 (else python3 on PATH) and the script found from the repo root. */
    public static TorchPeer locate(int threads) {
        String python = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
        return new TorchPeer(python, findScript(), threads);
    }

    public String describe() {
        return script == null ? "tools/bench/gemm_peer.py not found (set -Demu4j.home)" : python + " " + script + ", " + threads + " threads";
    }

    /** The figure for spec, or NaN after printing one clear error line (torch missing, script missing...). */
    public double measure(String spec, int reps) {
        if (failure != null) return Double.NaN;
        if (script == null) return fail("peer script tools/bench/gemm_peer.py not found; run from the repo or set -Demu4j.home");
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
                if (line.startsWith("ERROR")) return fail("peer: " + line.substring(5).trim());
                String[] f = line.trim().split("\\s+");
                if (f.length == 2 && f[0].equals(spec)) return Double.parseDouble(f[1]);
            }
            return fail("peer exited " + rc + " without a figure for " + spec + ": " + String.join(" | ", lines));
        } catch (IOException e) {
            return fail("cannot run " + python + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail("interrupted");
        }
    }

    private double fail(String why) {
        failure = why;
        System.err.println("emu4j bench: no PyTorch figures: " + why);
        return Double.NaN;
    }

    private static Path findScript() {
        Path rel = Path.of("tools", "bench", "gemm_peer.py");
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
