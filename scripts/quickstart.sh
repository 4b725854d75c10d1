#!/usr/bin/env bash
# Set up, train LoRA-Diffusion on SST-2 on the CPU, and evaluate it on all 872 validation sentences.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup_env.sh
source scripts/offline_env.sh
out="${OUTPUT_DIR:-outputs/quickstart}"
.venv/bin/lora-diffusion-train --config quickstart_cpu --task sst2 --method lora_diffusion \
  --output_dir "$out" --training.overwrite_output_dir true "$@"
.venv/bin/lora-diffusion-evaluate --checkpoint "$out" --task sst2 --split validation --output_file "$out/eval/metrics.json"
.venv/bin/python - "$out/eval/metrics.json" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
print(f"\nSST-2 validation ({m['num_examples']} sentences), decoded with the adapter active:")
for key in ("decoded_accuracy", "macro_f1", "invalid_rate", "token_accuracy"):
    print(f"  {key:18s} {m[key]:.4f}")
print(f"  trainable          {m['trainable_params']:,} parameters ({m['trainable_percent']:.2f}% of the base), {m['adapter_mb']:.2f} MB")
print(f"  seconds_per_step   {m['seconds_per_step']:.3f}")
PY
