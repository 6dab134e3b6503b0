#!/usr/bin/env bash
# The MNIST and Fashion-MNIST CAT experiments of docs/results.md, each beside its dense baseline:
# LeNet-300-100 on MNIST with a parameter budget of 15%, LeNet-5 on MNIST and Fashion-MNIST at the
# default strength, 10 epochs each.
#   bench/cat/mnist.sh OUT_ROOT [extra catrain train flags, e.g. --threads 1]
set -euo pipefail
cd "$(dirname "$0")/../.."
root="$1"; shift
mkdir -p "$root"
for spec in lenet300:mnist lenet5:mnist lenet5:fashion-mnist; do
  model="${spec%%:*}"; data="${spec#*:}"
  for method in cat dense; do
    name="$model-$data-$method"
    flags=(); [ "$method" = dense ] && flags=(--dense)
    [ "$method" = cat ] && [ "$model" = lenet300 ] && flags=(--target-params 0.15)
    echo "== $(date -u +%FT%TZ) catrain train --model $model --data $data --epochs 10 ${flags[*]} $*"
    node dist/src/cli/main.js train --model "$model" --data "$data" --epochs 10 "${flags[@]}" --out "$root/$name" --quiet "$@" > "$root/$name.log" 2>&1 || echo "$name failed"
    node -e "const s=require('$root/$name/summary.json');console.log('$name', JSON.stringify({acc:s.test_acc, macs_reduction:+s.macs_reduction.toFixed(4), params_reduction:+s.params_reduction.toFixed(4), s:Math.round(s.train_seconds), rounded:s.gates_rounded ?? s.gates_nonbinary}))" || true
  done
done
