"""Train and evaluate trajectory LoRA on every shipped task from the command line, at smoke size.

Each task trains for 20 steps on 64 examples and is then scored by `lora-diffusion-evaluate` on a few examples of its
evaluation split. Tasks without local data for a split read fixtures written here. These runs check that every task
goes through the whole pipeline (loading, encoding, training, decoding, metrics, files); their scores mean nothing.
"""
import json
import os
import subprocess

import pytest

from conftest import SHARED_DATA, entry_point, offline_env, run_offline
from lora_diffusion.config import CONFIG_DIR, load_config
from lora_diffusion.data import DataError, resolve_split_file, write_fixture

TASKS = sorted(p.stem for p in (CONFIG_DIR / "tasks").glob("*.yaml"))
EVAL_EXAMPLES = 4


def test_all_fourteen_tasks_ship():
    assert TASKS == sorted(["sst2", "agnews", "trec", "squad", "triviaqa", "natural_questions", "gsm8k", "strategyqa",
                            "cnn_dm", "xsum", "wmt14_ende", "wmt14_enfr", "commongen", "wikibio"])


def local_splits_exist(task: str) -> bool:
    cfg = load_config(task)
    for split in (cfg.task.train_split, cfg.task.eval_split):
        try: resolve_split_file(cfg.task, cfg.data, split)
        except DataError: return False
    return True


def run_cli(name: str, args: list, env: dict) -> subprocess.CompletedProcess:
    return run_offline([*entry_point("lora_diffusion.cli", name), *args], env=env, timeout=900)


@pytest.mark.parametrize("task", TASKS)
def test_train_then_evaluate(task, tmp_path):
    env = offline_env(LORA_DIFFUSION_DATA=os.environ.get("LORA_DIFFUSION_DATA") or str(SHARED_DATA))
    extra = []
    if not local_splits_exist(task):  # no local data for this task's train or eval split: use fixture rows
        cfg = load_config(task)
        folder = write_fixture(task, tmp_path / "data", splits=sorted({cfg.task.train_split, cfg.task.eval_split}), n=16)
        extra = ["--data.data_dir", str(folder)]
    run = tmp_path / "run"
    train = run_cli("train_main", ["--task", task, "--method", "lora_diffusion", "--config", "quickstart_cpu",
                                   "--max_steps", "20", "--subset_size", "64", "--training.batch_size", "8",
                                   "--training.eval_frequency", "0", "--data.eval_max_examples", str(EVAL_EXAMPLES),
                                   "--output_dir", str(run), *extra], env)
    assert train.returncode == 0, train.stderr[-3000:]
    metrics = json.loads((run / "metrics.json").read_text())
    assert metrics["task"] == task
    assert metrics["steps"] == 20
    assert metrics["num_examples"] == EVAL_EXAMPLES

    out = tmp_path / "eval" / "metrics.json"
    evaluate = run_cli("evaluate_main", ["--checkpoint", str(run), "--output_file", str(out),
                                         "--data.eval_max_examples", str(EVAL_EXAMPLES)], env)
    assert evaluate.returncode == 0, evaluate.stderr[-3000:]
    scores = json.loads(out.read_text())
    task_cfg = load_config(task).task
    names = ["decoded_accuracy", "macro_f1", "invalid_rate"] if task_cfg.type == "classification" else task_cfg.metrics
    for name in names:
        assert 0.0 <= scores[name] <= 1.0, (name, scores[name])
    assert scores["nfe_mean"] >= 1
    assert scores["tokens_per_s"] >= 0
    predictions = [json.loads(line) for line in (out.parent / "metrics_predictions.jsonl").read_text().splitlines()]
    assert len(predictions) == EVAL_EXAMPLES
    assert all({"id", "prediction", "references"} <= set(p) for p in predictions)
    assert all(p["references"] for p in predictions)
