#!/usr/bin/env bash
# Fixed-seed image CAT runs whose model.safetensors must not change when the data layer does
# (issue 17: "images are unchanged"). Run it in two checkouts and compare the printed hashes.
#   bench/data/image-hashes.sh [SCRATCH]      # default scratch folder: /tmp/image-hashes
# The hashes depend on the CPU's kernels (oneDNN picks them by instruction set), so compare two
# checkouts on one machine, not against numbers from another one.
set -euo pipefail
cd "$(dirname "$0")/../.."
scratch="${1:-/tmp/image-hashes}"
rm -rf "$scratch" && mkdir -p "$scratch"
train() { local name="$1"; shift; node dist/src/cli/main.js train --data mnist --epochs 1 --target-macs 0.5 --threads 2 --quiet --out "$scratch/$name" "$@"; }
train a --model lenet5 --train-subset 2000 --seed 0
train b --model lenet5 --train-subset 2000 --seed 3 --augment --workers 2
train c --model lenet5 --train-subset 1000 --seed 1 --augment --workers 0 --no-channels-last
train d --model lenet300 --train-subset 600 --seed 2 --augment --workers 1 --batch-size 64
for name in a b c d; do echo "$name $(sha256sum "$scratch/$name/model.safetensors" | cut -d' ' -f1)"; done
