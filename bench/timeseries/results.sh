#!/usr/bin/env bash
# The time-series results of docs/results.md (issue 17): resnet1d and fcn1d on the generated vibration
# benchmark, dense and pruned, one run after another (never two at once on a small machine).
#   bench/timeseries/results.sh ROOT [EPOCHS]      # writes ROOT/data, ROOT/<run>/ and ROOT/<run>.log
# Then time the finished networks side by side: bench/cat/measure-runs.sh ROOT <run>...
set -euo pipefail
cd "$(dirname "$0")/../.."
root="$1"; epochs="${2:-15}"
mkdir -p "$root"
node dist/bench/timeseries/generate.js --out "$root/data" --length 256 --seed 1
data="ucr:$root/data/Vibration"
run() {
  local name="$1"; shift
  if [ -f "$root/$name/summary.json" ]; then echo "$name: done already"; return; fi
  rm -rf "$root/$name"
  echo "== $(date -u +%FT%TZ) $name: $*"
  npx catrain train --data "$data" --epochs "$epochs" --seed 0 --out "$root/$name" "$@" > "$root/$name.log" 2>&1
  tail -n 2 "$root/$name.log"
}
run resnet1d-dense --model resnet1d --dense
run resnet1d-macs-0.5 --model resnet1d --target-macs 0.5
run resnet1d-macs-0.25 --model resnet1d --target-macs 0.25
run resnet1d-units-only-0.5 --model resnet1d --target-macs 0.5 --units-only
run resnet1d-layers-only-0.5 --model resnet1d --target-macs 0.5 --layers-only
run fcn1d-dense --model fcn1d --dense
run fcn1d-macs-0.5 --model fcn1d --target-macs 0.5
run fcn1d-macs-0.25 --model fcn1d --target-macs 0.25
