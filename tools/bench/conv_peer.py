#!/usr/bin/python3
"""PyTorch peer for the emu4j conv2d benchmark (ai.emu4j.bench.Conv2dBench runs it in the same run).

    /usr/bin/python3 tools/bench/conv_peer.py REPS conv:N:Cin:Cout:H:W:K:PAD[:gelu] ...

Times F.conv2d (stride 1, with bias) forward under no_grad, and forward + backward (grads for x, w, b
from a fixed upstream gradient), as medians over REPS timed runs after 2 warm-up runs, with
EMU4J_PEER_THREADS threads (default 2). With `:gelu` the conv is followed by F.gelu (exact), in both.
Prints one line per spec: `SPEC FWD_MS FWDBWD_MS`.
"""
import os
import statistics
import sys
import time

from peer_blas import blas_problem

try:
    import torch
except ImportError as e:
    print(f"ERROR torch not importable: {e}", flush=True)
    sys.exit(3)
import torch.nn.functional as F


def median_ms(fn, warmup, iters):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(iters):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(times)


def run(spec, reps):
    parts = spec.split(":")
    n, cin, cout, h, w, k, pad = (int(v) for v in parts[1:8])
    gelu = parts[8:] == ["gelu"]
    act = F.gelu if gelu else (lambda t: t)
    g = torch.Generator().manual_seed(0)
    x = torch.rand(n, cin, h, w, generator=g) - 0.5
    wt = (torch.rand(cout, cin, k, k, generator=g) - 0.5) * 0.1
    b = torch.rand(cout, generator=g) - 0.5
    dy = torch.rand(n, cout, h + 2 * pad - k + 1, w + 2 * pad - k + 1, generator=g) - 0.5

    def fwd():
        with torch.no_grad():
            act(F.conv2d(x, wt, b, padding=pad))

    xg, wg, bg = x.clone().requires_grad_(), wt.clone().requires_grad_(), b.clone().requires_grad_()

    def fwdbwd():
        xg.grad = wg.grad = bg.grad = None
        act(F.conv2d(xg, wg, bg, padding=pad)).backward(dy)

    return median_ms(fwd, 2, reps), median_ms(fwdbwd, 2, reps)


if __name__ == "__main__":
    torch.set_num_threads(int(os.environ.get("EMU4J_PEER_THREADS", "2")))
    problem = blas_problem(torch)
    if problem:
        print(f"ERROR {problem}", flush=True)
        sys.exit(3)
    reps = int(sys.argv[1])
    for spec in sys.argv[2:]:
        fwd_ms, fwdbwd_ms = run(spec, reps)
        print(f"{spec} {fwd_ms:.4f} {fwdbwd_ms:.4f}", flush=True)
