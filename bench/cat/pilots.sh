#!/usr/bin/env bash
# The short pilots of docs/results.md ("Short pilots"): 3 epochs on 20,000 Fashion-MNIST images, seed
# 0, LeNet-5 from the zoo and examples/small-resnet.ts (a user's residual network), each dense and at
# --target-macs 0.5 with the defaults. Extra flags go to every CAT run (to try a schedule).
#   bench/cat/pilots.sh OUT_ROOT [extra catrain train flags for the CAT runs]
set -euo pipefail
cd "$(dirname "$0")/../.."
root="$1"; shift
mkdir -p "$root"
for model in lenet5 small-resnet; do
  cli=(node dist/src/cli/main.js); [ "$model" = small-resnet ] && cli=(node dist/examples/small-resnet.js)
  for method in dense cat; do
    name="$model-$method"
    flags=(--dense); [ "$method" = cat ] && flags=(--target-macs 0.5 "$@")
    [ -f "$root/$name/summary.json" ] || {
      echo "== $(date -u +%FT%TZ) $model: catrain train --data fashion-mnist --train-subset 20000 --epochs 3 --seed 0 ${flags[*]}"
      "${cli[@]}" train --model "$model" --data fashion-mnist --train-subset 20000 --epochs 3 --seed 0 "${flags[@]}" --out "$root/$name" --quiet > "$root/$name.log" 2>&1 || echo "$name failed"
    }
    node -e "const s=require('$root/$name/summary.json');console.log('$name', JSON.stringify({acc:s.test_acc, macs_kept:+(1-s.macs_reduction).toFixed(4), s:Math.round(s.train_seconds)}))" || true
  done
done
