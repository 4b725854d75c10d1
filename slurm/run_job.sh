#!/usr/bin/env bash
# Train and evaluate one lora_diffusion run, configured by environment variables.
#
# Inside a SLURM job (SLURM_JOB_ID is set), it runs the training in the background and forwards SIGUSR1 and SIGTERM
# to it. Training then finishes its step, writes a checkpoint and exits with status 75. This script then requeues
# its own job (or array task), and the requeued attempt resumes from the checkpoint.
# Outside SLURM, it submits itself through slurm/train.slurm with the resources below.
#
# Run settings:
#   TASK, METHOD      task and method names (required)
#   SEED              training seed (default 42)
#   OUTPUT_DIR        run folder (default outputs/$TASK/$METHOD/seed_$SEED)
#   CONFIG            YAML file or shipped config name, layered over the task and method (optional)
#   MAX_STEPS, SUBSET_SIZE, BATCH_SIZE, LEARNING_RATE   training overrides (optional)
#   EXTRA_ARGS        more --section.key VALUE overrides, as one string split on spaces (optional)
#   BACKEND           python (default): lora-diffusion-train; papermill: execute NOTEBOOK into OUTPUT_DIR
#   NOTEBOOK          notebook for the papermill backend (default nbs/experiments/train_eval.ipynb)
#   PYTHON            interpreter with lora_diffusion installed (default python3 on PATH)
# Resources, read only when submitting:
#   ACCOUNT, EMAIL, TIME (default 04:00:00), GPUS (default 1; 0 for none), GPU_TYPE (such as v100 or a100),
#   CPUS (default 8), MEM (default 32G), PARTITION, JOB_NAME (default lora-$TASK-$METHOD)
#
# Example: TASK=sst2 METHOD=lora_diffusion MAX_STEPS=2000 ACCOUNT=PAS1234 GPUS=1 bash slurm/run_job.sh
set -uo pipefail

PREEMPTED_EXIT_CODE=75  # lora_diffusion.training.PREEMPTED_EXIT_CODE: checkpoint written, requeue to resume
: "${TASK:?set TASK to a task name, such as sst2}"
: "${METHOD:?set METHOD to a method name, such as lora_diffusion}"
SEED=${SEED:-42}
OUTPUT_DIR=${OUTPUT_DIR:-outputs/$TASK/$METHOD/seed_$SEED}
BACKEND=${BACKEND:-python}
PYTHON=${PYTHON:-python3}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

submit() {
  local args=(--job-name "${JOB_NAME:-lora-$TASK-$METHOD}" --time "${TIME:-04:00:00}"
              --cpus-per-task "${CPUS:-8}" --mem "${MEM:-32G}" --export ALL,RUN_JOB="$here/run_job.sh")
  [ -n "${ACCOUNT:-}" ] && args+=(--account "$ACCOUNT")
  [ -n "${PARTITION:-}" ] && args+=(--partition "$PARTITION")
  [ -n "${EMAIL:-}" ] && args+=(--mail-user "$EMAIL" --mail-type END,FAIL,REQUEUE)
  local gpus=${GPUS:-1}
  # GPUS=0 must be passed too, because it overrides the --gpus-per-node=1 directive of train.slurm
  if [ "$gpus" = 0 ]; then args+=(--gpus-per-node 0); else args+=(--gpus-per-node "${GPU_TYPE:+$GPU_TYPE:}$gpus"); fi
  mkdir -p slurm_logs
  echo "sbatch ${args[*]} $here/train.slurm" >&2
  exec sbatch "${args[@]}" "$here/train.slurm"
}

if [ -z "${SLURM_JOB_ID:-}" ]; then submit; fi

case "$BACKEND" in
  python) command=("$PYTHON" -c "from lora_diffusion.cli import train_main; train_main()") ;;
  papermill) command=("$PYTHON" -c "from lora_diffusion.launchers import notebook_main; notebook_main()"
                      --notebook "${NOTEBOOK:-nbs/experiments/train_eval.ipynb}") ;;
  *) echo "run_job.sh: BACKEND=$BACKEND is invalid; use python or papermill." >&2; exit 2 ;;
esac
command+=(--task "$TASK" --method "$METHOD" --seed "$SEED" --output_dir "$OUTPUT_DIR")
[ -n "${CONFIG:-}" ] && command+=(--config "$CONFIG")
[ -n "${MAX_STEPS:-}" ] && command+=(--training.max_steps "$MAX_STEPS")
[ -n "${SUBSET_SIZE:-}" ] && command+=(--data.subset_size "$SUBSET_SIZE")
[ -n "${BATCH_SIZE:-}" ] && command+=(--training.batch_size "$BATCH_SIZE")
[ -n "${LEARNING_RATE:-}" ] && command+=(--training.learning_rate "$LEARNING_RATE")
# shellcheck disable=SC2206  # EXTRA_ARGS is split on spaces on purpose
[ -n "${EXTRA_ARGS:-}" ] && command+=($EXTRA_ARGS)

job=${SLURM_ARRAY_JOB_ID:+${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}}
job=${job:-$SLURM_JOB_ID}
echo "run_job.sh: job $job attempt $(( ${SLURM_RESTART_COUNT:-0} + 1 )) on $(hostname) at $(date -u +%FT%TZ): ${command[*]}"

child=0
forward() {
  echo "run_job.sh: job $job received SIG$1; forwarding it to the training process $child" >&2
  if [ "$child" -gt 0 ]; then kill -s "$1" "$child" 2>/dev/null || true; fi
}
trap 'forward USR1' USR1
trap 'forward TERM' TERM

"${command[@]}" &
child=$!
# A trapped signal makes `wait` return early, so wait again until the training process has exited.
while true; do
  wait "$child"
  status=$?
  kill -0 "$child" 2>/dev/null || break
done
echo "run_job.sh: job $job: training exited with status $status at $(date -u +%FT%TZ)"

if [ "$status" -eq "$PREEMPTED_EXIT_CODE" ]; then
  echo "run_job.sh: job $job stopped at a checkpoint; requeueing it to resume"
  scontrol requeue "$job" || { echo "run_job.sh: scontrol requeue $job failed" >&2; exit 1; }
  exit 0
fi
exit "$status"
