#!/usr/bin/env bash
# The speed of finished runs' networks against their dense model (docs/results.md, issue 16): the
# training step at batch 128 and catrain inference at batch 1 and 128 (libtorch), then onnxruntime
# at batch 1 (all cores, then one thread) and 64 (the export's runtime). One run after another; each
# bench interleaves dense and pruned in one process.
#   bench/cat/measure-runs.sh ROOT NAME... > ROOT/measure.txt
set -euo pipefail
cd "$(dirname "$0")/../.."
root="$1"; shift
for name in "$@"; do
  dir="$root/$name"
  echo "== $(date -u +%FT%TZ) $name"
  node dist/bench/cat/run-step.js "$dir" --json
  node dist/bench/cat/inference.js "$dir" --json
  node dist/bench/latency/measure-run.js "$dir" --runtime onnxruntime --batch 1 --json
  node dist/bench/latency/measure-run.js "$dir" --runtime onnxruntime --batch 1 --threads 1 --json
  node dist/bench/latency/measure-run.js "$dir" --runtime onnxruntime --batch 64 --json
done
