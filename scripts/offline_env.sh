# Sourced by the scripts: no hub access, and caches inside the repository.
export HF_HOME="${HF_HOME:-$PWD/.hf_home}"
export HF_HUB_OFFLINE=1 HF_DATASETS_OFFLINE=1 TRANSFORMERS_OFFLINE=1
export TOKENIZERS_PARALLELISM=false
