# Sourced by the scripts: no hub access, and caches inside the repository.
export HF_HOME="${HF_HOME:-$PWD/.hf_home}"
export HF_HUB_OFFLINE=1 HF_DATASETS_OFFLINE=1 TRANSFORMERS_OFFLINE=1
export TOKENIZERS_PARALLELISM=false
# Task data kept beside the repository: relative task files resolve there after the package's own data.
if [ -z "${LORA_DIFFUSION_DATA:-}" ] && [ -d "$PWD/../shared/data" ]; then
  export LORA_DIFFUSION_DATA="$(cd "$PWD/../shared/data" && pwd)"
fi
