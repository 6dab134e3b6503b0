#!/usr/bin/env bash
# Builds the addon against a CUDA libtorch and runs the engine tests with device 'cuda', then the
# engine benchmark on the GPU beside its PyTorch peer. See docs/gpu.md.
#   LIBTORCH  a CUDA libtorch folder (default: the folder of the Python torch package)
#   NODE      the node binary (default: node on PATH)
# Expects a built dist/ (npm run build:ts) and node_modules/node-api-headers + node-addon-api.
set -euo pipefail
cd "$(dirname "$0")/.."
NODE=${NODE:-node}
PYTHON=${PYTHON:-python3}
if [ -z "${LIBTORCH:-}" ]; then
  LIBTORCH=$("$PYTHON" -c 'import torch, os; print(os.path.dirname(torch.__file__))')
fi
export LIBTORCH
echo "== libtorch: $LIBTORCH"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || true
echo "== build"
"$NODE" scripts/build-native.mjs
echo "== engine tests, device cuda"
CATRAIN_TEST_DEVICE=cuda "$NODE" scripts/run-tests.mjs test/engine/
echo "== engine benchmark (catrain, cuda)"
"$NODE" dist/bench/engine.js --json --device cuda
echo "== engine benchmark (PyTorch peer, cuda)"
"$PYTHON" bench/engine_peer.py --device cuda --channels-last
