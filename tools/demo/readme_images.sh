#!/usr/bin/env bash
# Regenerates the pictures and texts in the README from the bundled demo model (models/emu4j-demo).
# Inputs for captioning and video extension are held-out (test split) items kept in docs/images/inputs.
# Usage: tools/demo/readme_images.sh      (about a minute on 2 cores)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
E="$ROOT/emu4j"
OUT="$ROOT/docs/images"
IN="$OUT/inputs"
mkdir -p "$OUT"

# text -> image: four prompts, seeds 1..4 each
i=0
while IFS= read -r prompt; do
  i=$((i + 1))
  "$E" generate -p "$prompt" -n 4 --seed 1 -o "$OUT/t2i-$i-%d.png" > /dev/null
  echo "$prompt" > "$OUT/t2i-$i.txt"
done <<'PROMPTS'
a large red circle in the center
a small yellow square on the left and a large blue triangle on the right
two large green circles
lion face, a noto emoji
PROMPTS

# image -> text, held-out pictures
for f in "$IN"/*.png; do
  "$E" caption "$f" > "$OUT/caption-$(basename "$f" .png).txt"
done

# video extension: the first 4 frames of a held-out clip, 4 more predicted
for f in "$IN"/*.gif; do
  "$E" video extend "$f" -p "$(cat "${f%.gif}.txt")" --frames 4 --seed 1 -o "$OUT/extend-$(basename "$f")" > /dev/null
done
echo "wrote $OUT"
