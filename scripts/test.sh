#!/usr/bin/env bash
# Set up and run the tests: notebooks, the offline docs build and its check in headless Chromium, and command-line tests.
# SLOW=1 also runs the cells flagged slow (the shipped base's accuracy and the training controls, about 15 minutes).
set -euo pipefail
cd "$(dirname "$0")/.."
DEV=1 bash scripts/setup_env.sh
source scripts/offline_env.sh
export PATH="$PWD/.venv/bin:$PATH"

echo "== exported modules match the notebooks"
nbdev_export
git diff --exit-code -- lora_diffusion || { echo "lora_diffusion/ differs from nbs/: run nbdev_export and commit"; exit 1; }

echo "== notebook tests"
if [ "${SLOW:-0}" = "1" ]; then nbdev_test --flags slow --n_workers 1; else nbdev_test --n_workers 2; fi

echo "== docs and README (offline build)"
bash scripts/build_docs.sh

echo "== docs pages in headless Chromium (DOCS_BROWSER_CHECK=0 skips)"
python scripts/check_docs_browser.py _docs --install-missing

echo "== command-line tests"
python -m pytest -q tests
