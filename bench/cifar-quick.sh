#!/usr/bin/env bash
# The "cifar-quick" parity experiment: catrain and plain PyTorch, one after the other on the same
# machine, same protocol (ResNet-20, CIFAR-10, 15 epochs; see docs/results.md). Needs Debian's
# python3-torch for the peer. Writes runs/cifar-quick-<seed>/{catrain,pytorch.jsonl,*.log}.
#   bash bench/cifar-quick.sh [CIFAR_DIR] [SEED] [EPOCHS]
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=${1:-../shared/data/cifar-10-batches-bin}
SEED=${2:-0}
EPOCHS=${3:-15}
OUT=runs/cifar-quick-$SEED
mkdir -p "$OUT"
rm -rf "$OUT/catrain"
echo "== catrain ($(date -u +%FT%TZ))"
node dist/src/cli/main.js train --model resnet20 --data "cifar10:$DATA" --epochs "$EPOCHS" --seed "$SEED" \
  --dense --batch-size 128 --lr 0.1 --momentum 0.9 --weight-decay 5e-4 --schedule cosine --warmup-epochs 1 \
  --out "$OUT/catrain" 2>&1 | tee "$OUT/catrain.log"
echo "== PyTorch ($(date -u +%FT%TZ))"
/usr/bin/python3 bench/pytorch/cifar_quick.py --data "$DATA" --epochs "$EPOCHS" --seed "$SEED" | tee "$OUT/pytorch.jsonl"
echo "== done ($(date -u +%FT%TZ))"
