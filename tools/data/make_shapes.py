#!/usr/bin/python3
"""Procedural image set for smoke-training the vision tokenizer without downloading anything.

    /usr/bin/python3 tools/data/make_shapes.py OUT_DIR [--count 256] [--size 64] [--seed 0]

Each image: a random two-colour linear gradient background, 3-8 random filled ellipses, rectangles
and triangles, some with outlines, plus mild per-pixel noise (so edges, flat areas and texture all
occur). Deterministic for a seed. Writes OUT_DIR/train/NNNN.png and OUT_DIR/val/NNNN.png (1 in 8).
"""
import argparse
import os
import random

import numpy as np
from PIL import Image, ImageDraw


def image(rng, size):
    c0 = np.array([rng.randrange(256) for _ in range(3)], dtype=np.float32)
    c1 = np.array([rng.randrange(256) for _ in range(3)], dtype=np.float32)
    angle = rng.random() * 2 * np.pi
    yy, xx = np.mgrid[0:size, 0:size] / size
    t = np.clip(0.5 + (np.cos(angle) * (xx - 0.5) + np.sin(angle) * (yy - 0.5)), 0, 1)[..., None]
    bg = (c0 * (1 - t) + c1 * t).astype(np.uint8)
    img = Image.fromarray(bg, "RGB")
    d = ImageDraw.Draw(img)
    for _ in range(rng.randint(3, 8)):
        x0, y0 = rng.randrange(size), rng.randrange(size)
        w, h = rng.randint(size // 10, size // 2), rng.randint(size // 10, size // 2)
        fill = tuple(rng.randrange(256) for _ in range(3))
        outline = tuple(rng.randrange(256) for _ in range(3)) if rng.random() < 0.5 else None
        kind = rng.randrange(3)
        if kind == 0:
            d.ellipse([x0, y0, x0 + w, y0 + h], fill=fill, outline=outline)
        elif kind == 1:
            d.rectangle([x0, y0, x0 + w, y0 + h], fill=fill, outline=outline)
        else:
            d.polygon([(x0, y0), (x0 + w, y0 + rng.randint(0, h)), (x0 + rng.randint(0, w), y0 + h)], fill=fill, outline=outline)
    a = np.asarray(img).astype(np.int16) + np.array(
        [[[rng.randint(-6, 6) for _ in range(3)] for _ in range(size)] for _ in range(size)], dtype=np.int16)
    return Image.fromarray(np.clip(a, 0, 255).astype(np.uint8), "RGB")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--count", type=int, default=256)
    ap.add_argument("--size", type=int, default=64)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    for split in ("train", "val"):
        os.makedirs(os.path.join(a.out, split), exist_ok=True)
    for i in range(a.count):
        split = "val" if i % 8 == 7 else "train"
        image(rng, a.size).save(os.path.join(a.out, split, "%04d.png" % i))


if __name__ == "__main__":
    main()
