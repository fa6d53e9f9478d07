#!/usr/bin/python3
"""How hard is naming an emoji in a style the model never saw it in? A PyTorch probe (1.13 works, no PIL).

Run: /usr/bin/python3 tools/demo/naming_probe.py DATA [--epochs 60] [--seed 0]
DATA is a folder written by `emu4j data emoji` or `emu4j data mix` (manifest.jsonl + 64x64 RGB PNGs).
On the emoji entries it trains, on the train split, three recognisers of the emoji's name and prints
each one's top-1 on the test split (pictures whose emoji the training split has only in the other style):

  pixel-nn      the name of the nearest training picture, 32x32 area-averaged RGB, squared L2 (as the
                judge's baseline in `emu4j eval`, which resizes with Pillow's bicubic instead)
  cnn           a small CNN trained as a classifier over all names (random shrink/move/mirror, label
                smoothing 0.1)
  cnn+pairs     the same CNN with CLIP's symmetric loss (temperature 0.1) between the two styles of the
                same emoji added, what `emu4j train lm --pair-by name` does for the language model

Why it exists: it separates "the task is hard" from "our model is weak". On the demo's data the
classifier lost to the nearest neighbour, the pair loss turned that around.
"""
import argparse
import json
import os
import struct
import zlib

import torch
import torch.nn as nn
import torch.nn.functional as F


def read_png_rgb(path):
    """8-bit RGB, non-interlaced PNGs (what `emu4j data` writes): (3, H, W) floats in [0, 1]."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError(path + ": not a PNG")
    pos, idat, header = 8, [], None
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        pos += 12 + n
    w, h, depth, colour, _, _, interlace = header
    if depth != 8 or colour != 2 or interlace != 0:
        raise ValueError(path + ": want 8-bit RGB non-interlaced, got depth %d colour type %d interlace %d" % (depth, colour, interlace))
    raw, stride = zlib.decompress(b"".join(idat)), w * 3
    out, prev = bytearray(h * stride), bytearray(stride)
    for y in range(h):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for x in range(stride):
            a = line[x - 3] if x >= 3 else 0
            b, c = prev[x], prev[x - 3] if x >= 3 else 0
            if kind == 1:
                line[x] = (line[x] + a) & 255
            elif kind == 2:
                line[x] = (line[x] + b) & 255
            elif kind == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        out[y * stride:(y + 1) * stride] = line
        prev = line
    return torch.tensor(list(out), dtype=torch.uint8).reshape(h, w, 3).permute(2, 0, 1).float() / 255


def load(folder):
    pictures, meta = [], []
    with open(os.path.join(folder, "manifest.jsonl"), encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            e = json.loads(line)
            if e.get("source", e["id"].split("-")[0]) != "emoji" or e["kind"] != "image":
                continue
            pictures.append(read_png_rgb(os.path.join(folder, e["file"])))
            meta.append((e["split"], e["attributes"]["style"], e["attributes"]["name"]))
    return torch.stack(pictures), meta


def augment(x):
    """Shrink to 0.7-1x, move, mirror half the time; the border takes the top-left colour (as PictureViews)."""
    n = x.shape[0]
    s = torch.empty(n).uniform_(0.7, 1.0)
    theta = torch.zeros(n, 2, 3)
    theta[:, 0, 0] = s * (torch.randint(0, 2, (n,)).float() * 2 - 1)
    theta[:, 1, 1] = s
    theta[:, 0, 2] = torch.empty(n).uniform_(-1, 1) * (1 - s)
    theta[:, 1, 2] = torch.empty(n).uniform_(-1, 1) * (1 - s)
    background = x[:, :, :1, :1]
    grid = F.affine_grid(theta, list(x.shape), align_corners=False)
    return F.grid_sample(x - background, grid, align_corners=False) + background


def body():
    return nn.Sequential(nn.Conv2d(3, 32, 3, padding=1), nn.GELU(), nn.MaxPool2d(2), nn.Conv2d(32, 64, 3, padding=1), nn.GELU(),
                         nn.MaxPool2d(2), nn.Conv2d(64, 128, 3, padding=1), nn.GELU(), nn.AdaptiveAvgPool2d(4), nn.Flatten(),
                         nn.Linear(2048, 128))


def contrastive(a, b, temperature=0.1):
    logits = F.normalize(a, dim=1) @ F.normalize(b, dim=1).T / temperature
    target = torch.arange(len(a))
    return (F.cross_entropy(logits, target) + F.cross_entropy(logits.T, target)) / 2


def train_cnn(x, y, pairs, classes, test, epochs, with_pairs):
    net, head = body(), nn.Linear(128, classes)
    opt = torch.optim.AdamW(list(net.parameters()) + list(head.parameters()), 1e-3, weight_decay=0.05)
    for _ in range(epochs):
        order, pair_order = torch.randperm(len(x)), torch.randperm(len(pairs))
        for k, i in enumerate(range(0, len(x), 64)):
            b = order[i:i + 64]
            loss = F.cross_entropy(head(net(augment(x[b]))), y[b], label_smoothing=0.1)
            if with_pairs:
                start = (k * 64) % len(pairs)
                q = pairs[pair_order[start:start + 64]]
                loss = loss + contrastive(net(augment(x[q[:, 0]])), net(augment(x[q[:, 1]])))
            opt.zero_grad()
            loss.backward()
            opt.step()
    net.eval()
    with torch.no_grad():
        return head(net(test)).argmax(1)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("data")
    ap.add_argument("--epochs", type=int, default=60)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    torch.manual_seed(args.seed)
    pictures, meta = load(args.data)
    names = sorted({m[2] for m in meta})
    index = {n: i for i, n in enumerate(names)}
    labels = torch.tensor([index[m[2]] for m in meta])
    train = [i for i, m in enumerate(meta) if m[0] == "train"]
    test = [i for i, m in enumerate(meta) if m[0] == "test"]
    x, y, xt, yt = pictures[train], labels[train], pictures[test], labels[test]
    groups = {}
    for j, i in enumerate(train):
        groups.setdefault(meta[i][2], []).append(j)
    pairs = torch.tensor([g[:2] for g in groups.values() if len(g) >= 2])
    print("%d training pictures, %d names, %d pairs; %d test pictures" % (len(train), len(names), len(pairs), len(test)))

    small, small_t = F.interpolate(x, size=32, mode="area").flatten(1), F.interpolate(xt, size=32, mode="area").flatten(1)
    nearest = y[torch.cdist(small_t, small).argmin(1)]
    print("pixel-nn    top-1 %d / %d" % (int((nearest == yt).sum()), len(test)))
    for with_pairs in (False, True):
        guess = train_cnn(x, y, pairs, len(names), xt, args.epochs, with_pairs)
        print("%-11s top-1 %d / %d  (%d epochs, seed %d)" % ("cnn+pairs" if with_pairs else "cnn", int((guess == yt).sum()), len(test),
                                                              args.epochs, args.seed))


if __name__ == "__main__":
    main()
