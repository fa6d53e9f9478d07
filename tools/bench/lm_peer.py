#!/usr/bin/env python3
"""PyTorch peer for `emu4j bench lm`: the same Llama-style decoder as emu4j's LlamaModel, written out
(torch 1.13 has no SDPA; attention is explicit, as baselines.md measured), timed on the same shapes.

Usage: lm_peer.py REPS SPEC...
  SPEC train:D:L:H:KV:F:V:B:T    one AdamW training step on B x T random tokens   -> ms per step
  SPEC prefill:D:L:H:KV:F:V:T    no-grad forward of T tokens at batch 1, last logits -> tokens/s
  SPEC decode:D:L:H:KV:F:V:N     N one-token steps with a KV cache after a 16-token prompt -> tokens/s
Threads: EMU4J_PEER_THREADS (default 2). Prints `SPEC VALUE` per spec (median over REPS).
"""
import math
import os
import sys
import time

from peer_blas import blas_problem

os.environ.setdefault("OMP_NUM_THREADS", "2")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "2")
try:
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
except ImportError as e:
    print(f"ERROR torch not importable: {e}", flush=True)
    sys.exit(3)

torch.set_num_threads(int(os.environ.get("EMU4J_PEER_THREADS", "2")))
problem = blas_problem(torch)
if problem:
    print(f"ERROR {problem}", flush=True)
    sys.exit(3)


class RMSNorm(nn.Module):
    def __init__(self, d, eps=1e-5):
        super().__init__()
        self.w, self.eps = nn.Parameter(torch.ones(d)), eps

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.w


def rotate_half(x):
    h = x.shape[-1] // 2
    return torch.cat((-x[..., h:], x[..., :h]), dim=-1)


class Block(nn.Module):
    def __init__(self, d, h, kv, f):
        super().__init__()
        self.h, self.kv, self.hd = h, kv, d // h
        self.n1, self.n2 = RMSNorm(d), RMSNorm(d)
        self.q = nn.Linear(d, h * self.hd, bias=False)
        self.k = nn.Linear(d, kv * self.hd, bias=False)
        self.v = nn.Linear(d, kv * self.hd, bias=False)
        self.o = nn.Linear(h * self.hd, d, bias=False)
        self.gate = nn.Linear(d, f, bias=False)
        self.up = nn.Linear(d, f, bias=False)
        self.down = nn.Linear(f, d, bias=False)

    def forward(self, x, cos, sin, cache=None):
        b, t, _ = x.shape
        a = self.n1(x)
        q = self.q(a).view(b, t, self.h, self.hd).transpose(1, 2)
        k = self.k(a).view(b, t, self.kv, self.hd).transpose(1, 2)
        v = self.v(a).view(b, t, self.kv, self.hd).transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        if cache is not None:
            if cache:
                k = torch.cat([cache[0], k], 2)
                v = torch.cat([cache[1], v], 2)
            cache[:] = [k, v]
        s = k.shape[2]
        if self.kv != self.h:
            k = k.repeat_interleave(self.h // self.kv, 1)
            v = v.repeat_interleave(self.h // self.kv, 1)
        att = q @ k.transpose(-1, -2) / math.sqrt(self.hd)
        if t > 1:
            mask = torch.ones(t, s, dtype=torch.bool).tril(diagonal=s - t)
            att = att.masked_fill(~mask, float("-inf"))
        y = (att.softmax(-1) @ v).transpose(1, 2).reshape(b, t, -1)
        x = x + self.o(y)
        m = self.n2(x)
        return x + self.down(F.silu(self.gate(m)) * self.up(m))


class Llama(nn.Module):
    def __init__(self, d, layers, h, kv, f, vocab):
        super().__init__()
        self.hd = d // h
        self.emb = nn.Embedding(vocab, d)
        self.blocks = nn.ModuleList(Block(d, h, kv, f) for _ in range(layers))
        self.norm = RMSNorm(d)
        self.head = nn.Linear(d, vocab, bias=False)

    def forward(self, ids, start=0, caches=None, last_only=False):
        t = ids.shape[1]
        inv = 1.0 / (10000.0 ** (torch.arange(0, self.hd, 2).float() / self.hd))
        fr = torch.outer(torch.arange(start, start + t).float(), inv)
        emb = torch.cat((fr, fr), -1)
        cos, sin = emb.cos(), emb.sin()
        x = self.emb(ids)
        for i, blk in enumerate(self.blocks):
            x = blk(x, cos, sin, None if caches is None else caches[i])
        x = self.norm(x)
        return self.head(x[:, -1:] if last_only else x)


def median(fn, reps):
    fn()
    fn()
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    times.sort()
    return times[len(times) // 2]


def run(spec, reps):
    kind, *dims = spec.split(":")
    dims = [int(x) for x in dims]
    d, layers, h, kv, f, vocab = dims[:6]
    torch.manual_seed(0)
    model = Llama(d, layers, h, kv, f, vocab)
    if kind == "train":
        b, t = dims[6:8]
        opt = torch.optim.AdamW(model.parameters(), lr=1e-3)
        ids = torch.randint(0, vocab, (b, t + 1))

        def step():
            logits = model(ids[:, :-1])
            loss = F.cross_entropy(logits.reshape(-1, vocab), ids[:, 1:].reshape(-1))
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
        return median(step, reps) * 1000
    with torch.no_grad():
        if kind == "prefill":
            t = dims[6]
            ids = torch.randint(0, vocab, (1, t))
            return t / median(lambda: model(ids, last_only=True), reps)
        if kind == "decode":
            n = dims[6]
            prompt = torch.randint(0, vocab, (1, 16))

            def gen():
                caches = [[] for _ in range(layers)]
                logits = model(prompt, 0, caches, last_only=True)
                for i in range(n):
                    nxt = logits[0, -1].argmax().view(1, 1)
                    logits = model(nxt, 16 + i, caches)
            prompt_time = median(lambda: model(prompt, 0, [[] for _ in range(layers)], last_only=True), reps)
            return n / max(1e-9, median(gen, reps) - prompt_time)
    raise SystemExit(f"unknown spec {spec}")


if __name__ == "__main__":
    reps = int(sys.argv[1])
    for spec in sys.argv[2:]:
        print(f"{spec} {run(spec, reps):.4f}", flush=True)
