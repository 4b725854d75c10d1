#!/usr/bin/env bash
# Create .venv (if missing) and install lora_diffusion into it, with the dev tools when DEV=1.
# On a machine without an NVIDIA GPU, torch is pinned to the CPU wheel listed in constraints/cpu.txt,
# so pip never pulls a multi-GB CUDA build. GPU machines get pip's default (CUDA) torch.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
constraints=()
if ! command -v nvidia-smi >/dev/null 2>&1; then
  constraints=(-c constraints/cpu.txt)
fi
extras=""
if [ "${DEV:-0}" = "1" ]; then extras="[dev]"; fi
.venv/bin/pip install --quiet --disable-pip-version-check "${constraints[@]}" -e ".${extras}"
