#!/usr/bin/env python3
"""PyTorch peer for `emu4j bench gemm`: times torch.mm / torch.mv on the shapes given as arguments.

Usage: gemm_peer.py REPS SPEC...   where SPEC is mm:M:K:N or mv:N:K
Threads: EMU4J_PEER_THREADS (default 2). Prints one line per SPEC: `SPEC VALUE` with VALUE in GFLOP/s (mm) or GB/s of weight reads (mv),
the median over REPS timed calls after warm-up. Two threads, as the Java side uses.
"""
import os
import sys
import time

from peer_blas import blas_problem

os.environ.setdefault("OMP_NUM_THREADS", "2")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "2")
try:
    import torch
except ImportError as e:
    print(f"ERROR torch not importable: {e}", flush=True)
    sys.exit(3)

torch.set_num_threads(int(os.environ.get("EMU4J_PEER_THREADS", "2")))
problem = blas_problem(torch)
if problem:
    print(f"ERROR {problem}", flush=True)
    sys.exit(3)


def median_seconds(fn, reps):
    """Warm-up for 0.5 s, then the median of reps samples, each a batch of calls lasting ~20 ms (as ours)."""
    start = time.perf_counter()
    calls = 0
    while calls < 3 or time.perf_counter() - start < 0.5:
        fn()
        calls += 1
    per_call = (time.perf_counter() - start) / calls
    batch = max(1, min(1000, int(0.02 / per_call)))
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        for _ in range(batch):
            fn()
        times.append((time.perf_counter() - t0) / batch)
    times.sort()
    return times[len(times) // 2]


def run(spec, reps):
    kind, *dims = spec.split(":")
    dims = [int(d) for d in dims]
    torch.manual_seed(0)
    if kind == "mm":
        m, k, n = dims
        a = torch.randn(m, k)
        b = torch.randn(k, n)
        c = torch.empty(m, n)
        t = median_seconds(lambda: torch.mm(a, b, out=c), reps)
        return 2.0 * m * n * k / t / 1e9
    if kind == "mv":
        n, k = dims
        w = torch.randn(n, k)
        x = torch.randn(k)
        y = torch.empty(n)
        t = median_seconds(lambda: torch.mv(w, x, out=y), reps)
        return 4.0 * n * k / t / 1e9
    raise SystemExit(f"unknown spec {spec}")


def main():
    reps = int(sys.argv[1])
    for spec in sys.argv[2:]:
        print(f"{spec} {run(spec, reps):.3f}", flush=True)


if __name__ == "__main__":
    main()
