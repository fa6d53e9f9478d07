#!/usr/bin/python3
"""PyTorch peer for the emu4j conv2d benchmark (ai.emu4j.bench.Conv2dBench runs it in the same run).

    /usr/bin/python3 tools/bench/conv_peer.py --shape N,Cin,Cout,H,W,K,PAD [--warmup 2] [--iters 10] [--threads 2]

Times F.conv2d (stride 1, with bias) forward under no_grad, and forward + backward (grads for x, w, b
from a fixed upstream gradient), as medians over --iters timed runs after --warmup runs. Prints one
JSON line: {"shape": [...], "fwd_ms": ..., "fwdbwd_ms": ..., "threads": ..., "torch": ...}.
"""
import argparse
import json
import statistics
import time

import torch
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


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--shape", required=True, help="N,Cin,Cout,H,W,K,PAD")
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--iters", type=int, default=10)
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    n, cin, cout, h, w, k, pad = (int(v) for v in a.shape.split(","))
    g = torch.Generator().manual_seed(0)
    x = torch.rand(n, cin, h, w, generator=g) - 0.5
    wt = (torch.rand(cout, cin, k, k, generator=g) - 0.5) * 0.1
    b = torch.rand(cout, generator=g) - 0.5
    dy = torch.rand(n, cout, h + 2 * pad - k + 1, w + 2 * pad - k + 1, generator=g) - 0.5

    def fwd():
        with torch.no_grad():
            F.conv2d(x, wt, b, padding=pad)

    xg, wg, bg = x.clone().requires_grad_(), wt.clone().requires_grad_(), b.clone().requires_grad_()

    def fwdbwd():
        xg.grad = wg.grad = bg.grad = None
        F.conv2d(xg, wg, bg, padding=pad).backward(dy)

    print(json.dumps({"shape": [n, cin, cout, h, w, k, pad], "threads": torch.get_num_threads(), "torch": torch.__version__,
                      "fwd_ms": median_ms(fwd, a.warmup, a.iters), "fwdbwd_ms": median_ms(fwdbwd, a.warmup, a.iters)}))


if __name__ == "__main__":
    main()
