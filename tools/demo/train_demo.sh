#!/usr/bin/env bash
# Rebuilds the bundled demo model (models/emu4j-demo) from nothing but this repository and the npm
# registry: datasets, vision tokenizer, text tokenizer, language model, bf16 packaging.
# Usage: tools/demo/train_demo.sh WORKDIR   (each stage resumes where a killed run stopped)
# Wall time on the 2-core reference machine: about 55 min tokenizer + about 70 min language model
# + about 70 min fine-tuning it with shapes drawn more often + about 90 min with emoji drawn most
# + about 120 min on four emoji categories + about 40 min with extra views of the emoji + about 65 min
# with appearance-initialised, frozen visual embeddings.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
W=${1:?usage: train_demo.sh WORKDIR}
E="$ROOT/emu4j"
VQ_STEPS=${VQ_STEPS:-1400}
LM_STEPS=${LM_STEPS:-700}
FT_STEPS=${FT_STEPS:-700}
EMOJI_STEPS=${EMOJI_STEPS:-1000}
EMOJI4_STEPS=${EMOJI4_STEPS:-1300}
VIEWS_STEPS=${VIEWS_STEPS:-800}
VIEWS_STOP=${VIEWS_STOP:-400}
LOOK_STEPS=${LOOK_STEPS:-700}
mkdir -p "$W" && cd "$W"

# 1. Data: three reproducible datasets, merged (splits kept, emoji flattened over white).
[ -f emoji/manifest.jsonl ]   || "$E" data emoji -o emoji
[ -f shapes/manifest.jsonl ]  || "$E" data shapes -o shapes --seed 0 -n 2000
[ -f sprites/manifest.jsonl ] || "$E" data sprites -o sprites --seed 0 -n 1000 --emoji emoji
[ -f mix/manifest.jsonl ]     || "$E" data mix -o mix emoji shapes sprites
# The last stage's mix: emoji of four categories only (593 of 1911), shapes and sprites whole.
[ -f mix4/manifest.jsonl ]    || "$E" data mix -o mix4 emoji shapes sprites --only "category=animals & nature" \
                                   --only "category=food & drink" --only "category=travel & places" --only "category=activities"

# 2. Vision tokenizer: 64x64 -> 8x8 codes, 1024 codes of width 8 (l2-normalised), every frame its own grid.
VQ_ARGS=(--data mix --split train --model vq --ch 32 --ch-mult 1,2,2,4 --attn 3 --res-blocks 1 --codebook 1024
         --embed-dim 8 --temporal-factor 1 --batch 16 --lr 3e-4 --min-lr 3e-5 --decay-start $((VQ_STEPS - 400)) --steps "$VQ_STEPS"
         --checkpoint-every 200 --seed 0)
if [ -d vq-checkpoints ] && ls vq-checkpoints | grep -q '^step-'; then "$E" tokenizer train "${VQ_ARGS[@]}" --resume
else "$E" tokenizer train "${VQ_ARGS[@]}"; fi

# 3. Text tokenizer: byte-level BPE on the training captions plus the chat template, then Emu3's
#    special tokens and one <|visual token N|> per code.
if [ ! -f tokenizer.json ]; then
  : > captions.txt
  grep '"split":"train"' mix/manifest.jsonl | sed -E 's/.*"caption":"(([^"\\]|\\.)*)".*/\1/' \
    | sed -e 's/\\\\/\x01/g' -e 's/\\"/"/g' -e 's/\x01/\\/g' >> captions.txt   # JSON \\ and \" (the only escapes in it)
  for _ in $(seq 50); do echo "You are a helpful assistant. USER: Describe the image. ASSISTANT:"; done >> captions.txt
  "$E" text-tokenizer train -i captions.txt --vocab-size 3328 --visual-tokens 1024 --pattern qwen -o tokenizer.json
fi

# 4. Language model: 6 layers, d 384, GQA 6/2 heads; text->image, image->text and text->video, packed.
LM_ARGS=(--data mix --tokenizer tokenizer.json --vq vq -o lm --hidden 384 --layers 6 --heads 6 --kv-heads 2 --ffn 1024
         --context 768 --pack --batch 8 --steps "$LM_STEPS" --warmup 60 --lr 8e-4 --min-lr 8e-5 --dropout 0.0
         --caption-dropout 0.1 --vision-weight 0.5 --checkpoint-every 100 --seed 1337)
# A step keeps ~10 GB of activations for backward: ParallelGC with the default heap spent 34 of the
# first 150 s in 116 full collections (jstat); G1 with 16 GB, 2 s.
export EMU4J_JAVA_OPTS=${EMU4J_JAVA_OPTS:--Xmx16g -XX:+UseG1GC}
if [ -f lm.ckpt.safetensors ]; then "$E" train lm "${LM_ARGS[@]}" --resume; else "$E" train lm "${LM_ARGS[@]}"; fi

# 5. Fine-tune: session 2's uniform draws gave shapes ~12% of the tokens (emoji and sprite clips are
#    long), and the model barely used its captions. Start from the stage-4 model as it was shipped
#    (bf16, folder lm-v1) and draw shapes 4x and emoji 0.5x as often; fresh optimizer, new seed.
if [ ! -d lm-v1 ]; then
  rm -rf lm-v1.tmp && cp -r lm lm-v1.tmp
  for f in lm-v1.tmp/model.safetensors lm-v1.tmp/vision_tokenizer/model.safetensors; do "$E" convert "$f" -o "$f" --dtype bf16; done
  mv lm-v1.tmp lm-v1
fi
[ -f lm3.tokens.json ] || cp lm.tokens.json lm3.tokens.json
FT_ARGS=(--data mix --tokenizer tokenizer.json --vq vq -o lm3 --hidden 384 --layers 6 --heads 6 --kv-heads 2 --ffn 1024
         --context 768 --pack --batch 8 --steps "$FT_STEPS" --warmup 30 --lr 5e-4 --min-lr 5e-5 --dropout 0.0
         --caption-dropout 0.1 --vision-weight 0.5 --init lm-v1 --source-weight shapes=4 --source-weight emoji=0.5
         --checkpoint-every 50 --seed 2024)
if [ -f lm3.ckpt.safetensors ]; then "$E" train lm "${FT_ARGS[@]}" --resume; else "$E" train lm "${FT_ARGS[@]}"; fi

# 6. Second fine-tune (session 4): from stage 5's f32 model, emoji drawn 1.5x and sprites 0.5x (about 64% of
#    the tokens emoji, ~10 passes over the training emoji), for emoji identity and naming.
[ -f lm5.tokens.json ] || cp lm.tokens.json lm5.tokens.json
EMOJI_ARGS=(--data mix --tokenizer tokenizer.json --vq vq -o lm5 --hidden 384 --layers 6 --heads 6 --kv-heads 2 --ffn 1024
            --context 768 --pack --batch 8 --steps "$EMOJI_STEPS" --warmup 30 --lr 4e-4 --min-lr 4e-5 --dropout 0.0
            --caption-dropout 0.1 --vision-weight 0.5 --init lm3 --source-weight emoji=1.5 --source-weight sprites=0.5
            --checkpoint-every 50 --seed 11)
if [ -f lm5.ckpt.safetensors ]; then "$E" train lm "${EMOJI_ARGS[@]}" --resume; else "$E" train lm "${EMOJI_ARGS[@]}"; fi

# 7. Third fine-tune (session 5): stages 4-6 made about 10 passes over 1911 emoji and the model had not
#    learnt which picture goes with which name (training-set prompts: 5% top-5). Narrow emoji to four
#    categories (mix4) and draw them 4x: about 60% of the tokens, some 40 passes over 593 emoji.
EMOJI4_ARGS=(--data mix4 --tokenizer tokenizer.json --vq vq -o lm7 --hidden 384 --layers 6 --heads 6 --kv-heads 2 --ffn 1024
             --context 768 --pack --batch 8 --steps "$EMOJI4_STEPS" --warmup 30 --lr 5e-4 --min-lr 5e-5 --dropout 0.0
             --caption-dropout 0.1 --vision-weight 0.5 --init lm5 --source-weight emoji=4 --source-weight sprites=0.5
             --checkpoint-every 50 --seed 13)
if [ -f lm7.ckpt.safetensors ]; then "$E" train lm "${EMOJI4_ARGS[@]}" --resume; else "$E" train lm "${EMOJI4_ARGS[@]}"; fi

# 8. Fourth fine-tune (session 6): the model named all its training emoji but 4% of held-out ones, so the
#    captioning direction reads each training emoji picture or one of 7 views (shrunk, moved, mirrored).
#    Planned for 800 steps, stopped at 400 (the session needed the machine for stage 9); --stop-at keeps
#    the 800-step schedule. Session 6 ran it with the SiLU of before commit ddaac03, so a rerun differs in
#    the last bits.
VIEWS_ARGS=(--data mix4 --tokenizer tokenizer.json --vq vq -o lm8 --hidden 384 --layers 6 --heads 6 --kv-heads 2 --ffn 1024
            --context 768 --pack --batch 8 --steps "$VIEWS_STEPS" --warmup 30 --lr 3e-4 --min-lr 3e-5 --dropout 0.0
            --caption-dropout 0.1 --vision-weight 0.5 --init lm7 --source-weight emoji=4 --source-weight sprites=0.5 --views emoji=7
            --checkpoint-every 50 --seed 14)
if [ ! -f lm8/config.json ]; then
  if [ -f lm8.ckpt.safetensors ]; then "$E" train lm "${VIEWS_ARGS[@]}" --stop-at "$VIEWS_STOP" --resume; else "$E" train lm "${VIEWS_ARGS[@]}" --stop-at "$VIEWS_STOP"; fi
fi

# 9. Fifth fine-tune (session 6): its visual token embeddings had been learnt from the captions they came
#    with, so nothing told the model that a Noto code and a Twemoji code paint the same orange (a held-out
#    Noto lion was named "broccoli"). Replace the input embeddings of the 1024 visual tokens by a projection
#    of what each code decodes to and keep them frozen; the rest of the model re-learns to read them.
LOOK_ARGS=(--data mix4 --tokenizer tokenizer.json --vq vq -o lm9 --hidden 384 --layers 6 --heads 6 --kv-heads 2 --ffn 1024
           --context 768 --pack --batch 8 --steps "$LOOK_STEPS" --warmup 30 --lr 5e-4 --min-lr 5e-5 --dropout 0.0
           --caption-dropout 0.1 --vision-weight 0.5 --init lm8 --source-weight emoji=4 --source-weight sprites=0.5 --views emoji=7
           --visual-init appearance --freeze-visual-input --checkpoint-every 50 --seed 14)
if [ -f lm9.ckpt.safetensors ]; then "$E" train lm "${LOOK_ARGS[@]}" --resume; else "$E" train lm "${LOOK_ARGS[@]}"; fi

# 10. Package: bf16 weights, curves, into models/emu4j-demo (see MODEL_CARD.md there).
OUT="$ROOT/models/emu4j-demo"
rm -rf "$OUT.tmp" && cp -r lm9 "$OUT.tmp"
for f in "$OUT.tmp"/model.safetensors "$OUT.tmp"/vision_tokenizer/model.safetensors; do "$E" convert "$f" -o "$f" --dtype bf16; done
sed -i 's/"torch_dtype" *: *"float32"/"torch_dtype" : "bfloat16"/' "$OUT.tmp"/config.json "$OUT.tmp"/vision_tokenizer/config.json
# Answers beam-search with 4 beams (held-out naming 4 of 47 against 2 greedily; MODEL_CARD.md).
printf '{\n  "num_beams": 4,\n  "length_penalty": 1.0\n}\n' > "$OUT.tmp"/generation_config.json
# The card, licences and curves are written by hand / by `emu4j plot`: carried over from the folder being replaced.
for f in MODEL_CARD.md LICENSES.md licenses curves; do if [ -e "$OUT/$f" ]; then cp -r "$OUT/$f" "$OUT.tmp/"; fi; done
mkdir -p "$OUT.tmp/curves"
cp lm.log.csv "$OUT.tmp/curves/lm-log.csv" && cp lm3.log.csv "$OUT.tmp/curves/lm-finetune-log.csv" && cp lm5.log.csv "$OUT.tmp/curves/lm-finetune2-log.csv"
cp lm7.log.csv "$OUT.tmp/curves/lm-finetune3-log.csv" && cp lm8.log.csv "$OUT.tmp/curves/lm-finetune4-log.csv"
cp lm9.log.csv "$OUT.tmp/curves/lm-finetune5-log.csv"
"$E" plot lm.log.csv -o "$OUT.tmp/curves/lm-loss.png" --columns loss,val_loss --smooth 10 --title "language model (stage 4)"
"$E" plot lm3.log.csv -o "$OUT.tmp/curves/lm-finetune-loss.png" --columns loss,val_loss --smooth 10 --title "language model fine-tune (stage 5)"
"$E" plot lm5.log.csv -o "$OUT.tmp/curves/lm-finetune2-loss.png" --columns loss,val_loss --smooth 10 --title "language model emoji fine-tune (stage 6)"
"$E" plot lm7.log.csv -o "$OUT.tmp/curves/lm-finetune3-loss.png" --columns loss,val_loss --smooth 10 --title "language model four-category emoji fine-tune (stage 7)"
"$E" plot lm8.log.csv -o "$OUT.tmp/curves/lm-finetune4-loss.png" --columns loss,val_loss --smooth 10 --title "language model fine-tune with picture views (stage 8)"
"$E" plot lm9.log.csv -o "$OUT.tmp/curves/lm-finetune5-loss.png" --columns loss,val_loss --smooth 10 --title "language model fine-tune, appearance visual embeddings (stage 9)"
rm -rf "$OUT" && mv "$OUT.tmp" "$OUT"
echo "demo model in $OUT"
