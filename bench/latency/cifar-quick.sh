#!/usr/bin/env bash
# Issue 16's cifar-quick results in one sitting (docs/results.md): onnxruntime profiles of ResNet-20
# at batch 1 (one thread, which repeats on a small machine) and batch 64 (all cores), then dense,
# --target-macs 0.5 with and without coupled groups, and --target-latency at half of each profile's
# dense network, then the timings of every pruned network against dense. One job at a time.
#   bench/latency/cifar-quick.sh CIFAR_DIR OUT_ROOT
set -euo pipefail
cd "$(dirname "$0")/../.."
data="$1"; root="$2"
mkdir -p "$root"
profile() {
  local out="$1"; shift
  echo "== $(date -u +%FT%TZ) catrain latency-profile --model resnet20 --runtime onnxruntime $* --out $out"
  node dist/src/cli/main.js latency-profile --model resnet20 --runtime onnxruntime "$@" --out "$out"
}
half_dense() { node -e "console.log((require(require('path').resolve('$1')).denseMs / 2).toFixed(4))"; }
profile "$root/r20-ort-b1-t1.json" --batch 1 --threads 1
profile "$root/r20-ort-b64.json" --batch 64
b1=$(half_dense "$root/r20-ort-b1-t1.json")
b64=$(half_dense "$root/r20-ort-b64.json")
bash bench/cat/cifar-quick.sh "$data" "$root" \
  dense --dense --seed 0 -- \
  macs50 --target-macs 0.5 --seed 0 -- \
  macs50-fixed --target-macs 0.5 --residual-channels fixed --seed 0 -- \
  lat-b1-t1 --latency-profile "$root/r20-ort-b1-t1.json" --target-latency "$b1" --seed 0 -- \
  lat-b64 --latency-profile "$root/r20-ort-b64.json" --target-latency "$b64" --seed 0
bash bench/cat/measure-runs.sh "$root" macs50 macs50-fixed lat-b1-t1 lat-b64
