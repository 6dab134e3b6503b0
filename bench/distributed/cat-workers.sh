#!/usr/bin/env bash
# CAT on one worker and on two, one run after the other: the same command with --nproc 1 (2 threads)
# and --nproc 2 (1 thread each), and with --gate-draws per-worker. Prints one JSON line per run from
# its summary.json: budget landed, accuracy, gates left non-binary, time, throughput.
# PER_WORKER_DRAWS=0 skips the third run (for long runs, where two settings fill the sitting).
#   bash bench/distributed/cat-workers.sh OUT_DIR [SEED=0] -- TRAIN FLAGS...
# e.g. bash bench/distributed/cat-workers.sh runs/dp-l300 0 -- --model lenet300 --data mnist --target-params 0.2
set -euo pipefail
out=${1:?output folder}; seed=${2:-0}; shift 2; [ "${1:-}" = "--" ] && shift
cli="node $(dirname "$0")/../../dist/src/cli/main.js"
mkdir -p "$out"
run() {
  local name=$1; shift
  rm -rf "$out/$name"
  "$@" --seed "$seed" --quiet --out "$out/$name"
  node -e '
    const s = JSON.parse(require("fs").readFileSync(process.argv[1] + "/summary.json", "utf8"));
    const cfg = JSON.parse(require("fs").readFileSync(process.argv[1] + "/config.json", "utf8"));
    const budget = cfg.cat?.targetParams != null ? ["params", cfg.cat.targetParams] : cfg.cat?.targetMacs != null ? ["macs", cfg.cat.targetMacs] : null;
    const kept = budget === null ? null : s.final[budget[0]] / s.baseline[budget[0]];
    console.log(JSON.stringify({ run: process.argv[2], workers: s.workers, test_acc: s.test_acc, budget: budget?.[1] ?? null, kept, off_budget: kept === null ? null : kept / budget[1] - 1,
      macs_kept: s.final.macs / s.baseline.macs, params_kept: s.final.params / s.baseline.params, blocks_removed: s.blocks_removed, gates_nonbinary: s.gates_nonbinary,
      train_s: Math.round(s.train_seconds), img_s: Math.round(s.img_s) }));' "$out/$name" "$name"
}
CATRAIN_THREADS=2 run one-worker $cli train "$@"
run two-workers $cli train "$@" --nproc 2
[ "${PER_WORKER_DRAWS:-1}" = 0 ] || run two-workers-per-worker-draws $cli train "$@" --nproc 2 --gate-draws per-worker
