#!/usr/bin/env bash
# The runs after the shipped demo model (sessions 11-13, lm21-lm26; docs/EMU3.md, MODEL_CARD.md "what did not work yet"):
# a visual summary stem, short answers and the summary name loss on all of `mix`, each run started from the
# last. None is packaged yet; this script reproduces them (runs that were stopped early are cut with --stop-at
# at the same step, which gives the same weights: resume and --stop-at are bit-exact).
# Usage: tools/demo/summary_runs.sh WORKDIR   (the WORKDIR of tools/demo/train_demo.sh, after its stage 9)
# About 7-9 s a step on the 2-core reference machine: 633 + 634 + 200 + 400 + 301 + 400 steps, about 6 hours.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
W=${1:?usage: summary_runs.sh WORKDIR}
E="$ROOT/emu4j"
cd "$W"
[ -f lm9/config.json ] || { echo "no lm9 in $W: run tools/demo/train_demo.sh $W first" >&2; exit 2; }

# Stage 9's model as shipped (bf16), whose frozen appearance embeddings the runs keep; they also encode with
# the bf16 vision tokenizer the shipped model decodes with.
if [ ! -d lm9-bf16 ]; then
  rm -rf lm9-bf16.tmp && cp -r lm9 lm9-bf16.tmp
  for f in lm9-bf16.tmp/model.safetensors lm9-bf16.tmp/vision_tokenizer/model.safetensors; do "$E" convert "$f" -o "$f" --dtype bf16; done
  sed -i 's/"torch_dtype" *: *"float32"/"torch_dtype" : "bfloat16"/' lm9-bf16.tmp/config.json lm9-bf16.tmp/vision_tokenizer/config.json
  mv lm9-bf16.tmp lm9-bf16
fi
# A fixed, pre-touched heap: growing into fresh pages kept the kernel zeroing them (docs/EMU3.md).
export EMU4J_JAVA_OPTS="-Xms16g -Xmx16g -XX:+AlwaysPreTouch -XX:+UseG1GC"

# The options every run shares: the lm9 shape, packed rows, 75 % of the captioning pictures seen through
# their summary alone, the pair loss on the summaries.
common() {   # OUT INIT STEPS [more options]
  local out=$1 init=$2 steps=$3
  shift 3
  echo --data mix --tokenizer tokenizer.json --vq lm9-bf16/vision_tokenizer -o "$out" --hidden 384 --layers 6 --heads 6 --kv-heads 2 \
    --ffn 1024 --context 768 --pack --batch 8 --steps "$steps" --warmup 30 --lr 4e-4 --min-lr 4e-5 --dropout 0.0 \
    --caption-dropout 0.1 --vision-weight 0.5 --init "$init" --source-weight emoji=2 --source-weight shapes=0.5 --source-weight sprites=0.25 \
    --views emoji=7 --freeze-visual-input --visual-summary --summary-only 0.75 --collapse-hidden \
    --pair-by name --pair-on summary --pair-weight 0.5 --pair-batch 128 --checkpoint-every 100 --seed 21 "$@"
}
# run OUT STOP OPTIONS...: trains OUT (resuming a killed run) unless it is done; STOP "" runs to the end.
run() {
  local out=$1 stop=$2
  shift 2
  [ -f "$out.done" ] && return
  local cut=()
  [ -n "$stop" ] && cut=(--stop-at "$stop")
  if [ -f "$out.ckpt.safetensors" ]; then "$E" train lm "$@" "${cut[@]}" --resume; else "$E" train lm "$@" "${cut[@]}"; fi
  touch "$out.done"
}
# shellcheck disable=SC2046  # common's words are the options, none with spaces
{
# lm21: the stem and the pair loss, 70 % captioning; stopped at 633 of 1,200 (session 12 changed the recipe).
run lm21 633 $(common lm21 lm9-bf16 1200 --tasks i2t=0.7)
# lm22: 80 % captioning, 70 % of the answers cut to the emoji's name; stopped at 634 of 1,000.
run lm22 634 $(common lm22 lm21 1000 --tasks i2t=0.8 --short-answers 0.7)
# lm23: + the summary name loss, 64 pictures a step; stopped at 200 of 600.
run lm23 200 $(common lm23 lm22 600 --tasks i2t=0.8 --short-answers 0.7 --summary-names name --summary-names-batch 64)
# lm24: 512 name pictures a step (held-out naming 17, 21, 25, 26 of 195 at steps 100-400).
run lm24 "" $(common lm24 lm23 400 --tasks i2t=0.8 --short-answers 0.7 --summary-names name --summary-names-batch 512)
# lm25: 1,024 a step and noise on the summaries the decoder reads; stopped at 301 of 800 (held-out 15, 18, 18).
run lm25 301 $(common lm25 lm24 800 --tasks i2t=0.8 --short-answers 0.7 --summary-names name --summary-names-batch 1024 --summary-noise 0.5)
# lm26: from lm24 again at half the peak learning rate, name tokens weighted by rarity.
run lm26 "" $(common lm26 lm24 400 --tasks i2t=0.8 --short-answers 0.7 --summary-names name --summary-names-batch 512 --summary-names-rare \
  | sed 's/--lr 4e-4 --min-lr 4e-5/--lr 2e-4 --min-lr 2e-5/')
}
echo "runs in $W: lm21 .. lm26"
