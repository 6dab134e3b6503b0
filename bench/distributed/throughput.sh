#!/usr/bin/env bash
# Two workers with one thread each against one worker with two threads, side by side, on ResNet-20
# CIFAR-10 training throughput (dense, so both train the same network all along). Each setting trains
# 2 epochs of the first N images; the second epoch's img_s (all workers) is compared. Rounds alternate.
#   bash bench/distributed/throughput.sh CIFAR_DIR [N=4096] [ROUNDS=2]
set -euo pipefail
dir=${1:?CIFAR-10 binary batches folder}; n=${2:-4096}; rounds=${3:-2}
cli="node $(dirname "$0")/../../dist/src/cli/main.js"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
common="train --model resnet20 --data cifar10:$dir --train-subset $n --epochs 2 --dense --workers 0 --quiet"
for r in $(seq "$rounds"); do
  CATRAIN_THREADS=2 $cli $common --out "$work/one-$r"
  $cli $common --nproc 2 --out "$work/two-$r"
  one=$(tail -n 1 "$work/one-$r/log.jsonl" | node -e 'process.stdin.on("data",d=>console.log(JSON.parse(d).img_s.toFixed(1)))')
  two=$(tail -n 1 "$work/two-$r/log.jsonl" | node -e 'process.stdin.on("data",d=>console.log(JSON.parse(d).img_s.toFixed(1)))')
  echo "{\"round\": $r, \"one_worker_2_threads_img_s\": $one, \"two_workers_1_thread_img_s\": $two, \"ratio\": $(node -e "console.log(($two/$one).toFixed(3))")}"
done
