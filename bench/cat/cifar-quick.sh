#!/usr/bin/env bash
# The cifar-quick CAT experiments of docs/results.md: ResNet-20 on CIFAR-10 for 15 epochs with the
# default optimiser settings, one run after another (never two at once on a small machine).
#   bench/cat/cifar-quick.sh CIFAR_DIR OUT_ROOT NAME [catrain train flags...] [-- NAME flags...]
# Each run goes to OUT_ROOT/NAME with its console output in OUT_ROOT/NAME.log.
set -euo pipefail
cd "$(dirname "$0")/../.."
data="$1"; root="$2"; shift 2
mkdir -p "$root"
run() {
  local name="$1"; shift
  echo "== $(date -u +%FT%TZ) $name: catrain train --model resnet20 --data cifar10:$data --epochs 15 $*"
  node dist/src/cli/main.js train --model resnet20 --data "cifar10:$data" --epochs 15 --out "$root/$name" --quiet "$@" > "$root/$name.log" 2>&1 || echo "$name failed: see $root/$name.log"
  node -e "const s=require(require('path').resolve('$root/$name/summary.json'));console.log('$name', JSON.stringify({acc:s.test_acc, macs:s.final.macs/s.baseline.macs, s:Math.round(s.train_seconds), blocks_removed:s.blocks_removed, rounded:s.gates_rounded ?? s.gates_nonbinary}))" || true
}
args=()
name=""
for a in "$@"; do
  if [ "$a" = "--" ]; then run "$name" "${args[@]}"; name=""; args=(); continue; fi
  if [ -z "$name" ]; then name="$a"; else args+=("$a"); fi
done
[ -n "$name" ] && run "$name" "${args[@]}"
