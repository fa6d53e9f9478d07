#!/usr/bin/python3
"""PyTorch peer for `emu4j bench tokenizer` (ai.emu4j.cli.BenchTokenizerCommand runs it in the same run).

    /usr/bin/python3 tools/bench/tokenizer_peer.py --model DIR --batch batch.safetensors [--iters 3] [--threads 2]

Builds the Emu3 tokenizer from tools/fixtures/make_vq_fixtures.py (the PyTorch re-implementation of
modeling_emu3visionvq.py), loads DIR/model.safetensors (the same weights emu4j uses), and times
encode and decode of the images "x" [B, 3, H, W] from batch.safetensors under no_grad, batched.
Like emu4j, an image runs the 2D encoder once and repeats its output 4x in time before the temporal
convs, and the 2D decoder runs on frame 0 only (same numbers as the official 4-frame path, 4x less
work), so both sides do the same arithmetic. Prints one JSON line with images/s and the best-of-iters
times, and the codes (so the caller can check both sides agree).
"""
import argparse
import importlib.util
import json
import os
import time

import numpy as np
import torch

from peer_blas import blas_problem

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("vq", os.path.join(HERE, "..", "fixtures", "make_vq_fixtures.py"))
vq = importlib.util.module_from_spec(spec)
spec.loader.exec_module(vq)


def read_safetensors(path):
    with open(path, "rb") as f:
        n = int.from_bytes(f.read(8), "little")
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, e in header.items():
        if name == "__metadata__":
            continue
        assert e["dtype"] == "F32", name
        a, b = e["data_offsets"]
        out[name] = torch.from_numpy(np.frombuffer(data[a:b], dtype="<f4").copy()).reshape(e["shape"])
    return out


def encode_images(m, x):
    """x [B, 3, H, W] -> codes [B, h, w]; the 2D stack once per image."""
    e = m.encoder
    h = e.conv_in(x)
    for i in range(e.num_resolutions):
        for j in range(e.num_res_blocks):
            h = e.down[i].block[j](h)
            if len(e.down[i].attn) > 0:
                h = e.down[i].attn[j](h)
        if i != e.num_resolutions - 1:
            h = e.down[i].downsample(h)
    h = e.mid.block_2(e.mid.attn_1(e.mid.block_1(h)))
    h = e.conv_out(e.act(e.norm_out(h)))                                          # [B, z, h, w]
    h = h.unsqueeze(2).repeat(1, 1, m.config.temporal_downsample_factor, 1, 1)   # [B, z, 4, h, w]
    for conv in e.time_conv:
        h = e.act(conv(h))
    h = e.time_res_stack(h)                                                      # [B, z, 1, h, w]
    return m.quantize(m.quant_conv(h).permute(0, 2, 1, 3, 4)).squeeze(1)


def decode_images(m, codes):
    """codes [B, h, w] -> [B, 3, 8h, 8w]; the 2D stack on frame 0 only."""
    d = m.decoder
    b, hh, ww = codes.shape
    quant = m.quantize.embedding(codes.flatten()).view(b, 1, hh, ww, -1).permute(0, 4, 1, 2, 3).contiguous()
    z_zq = torch.cat((m.post_quant_conv(quant), quant), dim=0)                    # [2B, z, 1, h, w]
    z_zq = d.time_res_stack(z_zq)
    for conv in d.time_conv:
        z_zq = d.act(conv(z_zq))
    h, zq = torch.chunk(z_zq[:, :, 0], 2, dim=0)                                 # frame 0: [B, z, h, w]
    h = d.conv_in(h)
    h = d.mid.block_2(d.mid.attn_1(d.mid.block_1(h, zq), zq), zq)
    for i in reversed(range(d.num_resolutions)):
        for j in range(d.num_res_blocks + 1):
            h = d.up[i].block[j](h, zq)
            if len(d.up[i].attn) > 0:
                h = d.up[i].attn[j](h, zq)
        if i != 0:
            h = d.up[i].upsample(h)
    return d.conv_out(d.act(d.norm_out(h, zq)))


def best_seconds(fn, iters):
    fn()
    best = float("inf")
    for _ in range(iters):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", required=True)
    ap.add_argument("--batch", required=True)
    ap.add_argument("--iters", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    problem = blas_problem(torch)
    if problem:
        raise SystemExit("ERROR " + problem)
    with open(os.path.join(a.model, "config.json")) as f:
        cfg = vq.Cfg(json.load(f))
    m = vq.Emu3VisionVQModel(cfg).eval()
    state = read_safetensors(os.path.join(a.model, "model.safetensors"))
    missing, unexpected = m.load_state_dict(state, strict=False)
    missing = [k for k in missing if not k.endswith("num_batches_tracked")]
    if missing or unexpected:
        raise SystemExit("ERROR weights do not match: missing %s unexpected %s" % (missing, unexpected))
    x = read_safetensors(a.batch)["x"]
    with torch.no_grad():
        codes = encode_images(m, x)
        enc = best_seconds(lambda: encode_images(m, x), a.iters)
        dec = best_seconds(lambda: decode_images(m, codes), a.iters)
    n = x.shape[0]
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "images": n,
                      "encode_s": enc, "decode_s": dec, "encode_ips": n / enc, "decode_ips": n / dec,
                      "roundtrip_ips": n / (enc + dec), "codes": codes.flatten().tolist()}))


if __name__ == "__main__":
    main()
