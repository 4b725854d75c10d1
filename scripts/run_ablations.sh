#!/usr/bin/env bash
# Run the trajectory-LoRA ablations on SST-2 and copy the collected tables into nbs/results/ablations/.
# Every cell trains lora_diffusion over the shipped base for the same budget (STEPS optimizer steps of BATCH
# examples, seeds 42 43 44) and decodes the 872 validation sentences once at the end. Finished cells are skipped,
# so a rerun only collects. Usage: bash scripts/run_ablations.sh [OUTPUT_DIR]   (default outputs/ablations)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-outputs/ablations}
steps=${STEPS:-200}
batch=${BATCH:-64}
# The recorded ablations used the first shipped base, so the grid names it. quickstart_cpu now selects minilm-diffusion-v2.
common=(--config quickstart_cpu --model.name_or_path minilm-diffusion --tasks sst2 --methods lora_diffusion --seeds 42 43 44
        --max_steps "$steps" --batch_size "$batch" --warmup_steps 20 --eval_frequency 0 --log_frequency 50
        --lora.state_cache_mb 256)

# Step-adaptive ranks 64/32/8 against one rank in every phase (k = 2 modules per phase).
lora-diffusion-experiments "${common[@]}" --output_dir "$out/ranks" \
    --lora_rank_configs uniform_8 uniform_16 uniform_32 uniform_64 adaptive
# Modules per phase bank, with the adaptive ranks; k = 2 is the adaptive cell of the rank grid.
lora-diffusion-experiments "${common[@]}" --output_dir "$out/modules" --lora_num_modules 1 4 8
# Both regularizers off; the rank grid's adaptive cell has both on (0.01 and 0.001).
lora-diffusion-experiments "${common[@]}" --output_dir "$out/no_regularizers" \
    --lora.rank_reg_weight 0 --lora.orth_reg_weight 0
# Data efficiency: the same steps over smaller training subsets; the rank grid's adaptive cell uses all 10,000.
for n in 250 1000 2500; do
  lora-diffusion-experiments "${common[@]}" --output_dir "$out/subset_$n" --subset_size "$n"
done

# The collected tables, and each run's metrics.json and config.yaml (a few kB each, no weights), so that the docs
# page can pair the runs by seed.
dest=nbs/results/ablations
for grid in ranks modules no_regularizers subset_250 subset_1000 subset_2500; do
  mkdir -p "$dest/$grid"
  cp "$out/$grid"/results.{csv,md} "$out/$grid"/parameter_counts.json "$dest/$grid/"
  for run in "$out/$grid"/sst2/*/seed_*; do
    mkdir -p "$dest/$grid/${run#"$out/$grid/"}"
    cp "$run"/metrics.json "$run"/config.yaml "$dest/$grid/${run#"$out/$grid/"}/"
  done
done
echo "tables and run metrics copied to $dest"
