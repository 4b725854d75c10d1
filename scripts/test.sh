#!/usr/bin/env bash
# Set up and run every test: notebooks (slow cells included), command-line tests, and the offline docs build.
set -euo pipefail
cd "$(dirname "$0")/.."
DEV=1 bash scripts/setup_env.sh
source scripts/offline_env.sh
export PATH="$PWD/.venv/bin:$PATH"

echo "== exported modules match the notebooks"
nbdev_export
git diff --exit-code -- lora_diffusion || { echo "lora_diffusion/ differs from nbs/: run nbdev_export and commit"; exit 1; }

echo "== notebook tests"
nbdev_test --flags slow --n_workers 2

echo "== docs and README (offline build)"
bash scripts/build_docs.sh

echo "== command-line tests"
python -m pytest -q tests
