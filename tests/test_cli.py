"""Command-line runs in subprocesses: user errors end with one line, and the quick path trains and evaluates."""
import json
from pathlib import Path

import pytest

from conftest import assert_user_error, entry_point, run_offline

TRAIN = entry_point("lora_diffusion.cli", "train_main")
EVALUATE = entry_point("lora_diffusion.cli", "evaluate_main")
SST2 = Path(__file__).resolve().parents[1] / "lora_diffusion" / "data" / "sst2"


def run(cmd, cwd):
    return run_offline(cmd, cwd, timeout=900)


def bad_data_dir(tmp_path, train_text):
    data = tmp_path / "data"
    data.mkdir()
    (data / "train.jsonl").write_text(train_text)
    (data / "validation.jsonl").write_text((SST2 / "validation.jsonl").read_text())
    return data


BASE = ["--config", "quickstart_cpu", "--task", "sst2", "--method", "lora_diffusion"]


@pytest.mark.parametrize("args, fragments", [
    (["--training.learning_rte", "1e-3"], ["learning_rte", "training.learning_rate"]),
    (["--lora.rank_erly", "8"], ["lora.rank_early"]),
    (["--task", "sst3"], ["unknown task 'sst3'", "sst2"]),
    (["--method", "prefix"], ["unknown method 'prefix'"]),
    (["--max_steps", "0"], ["training.max_steps=0"]),
    (["--max_steps", "ten"], ["expected int"]),
    (["--config", "no_such_config.yaml"], ["config file not found"]),
])
def test_train_rejects_bad_flags(tmp_path, args, fragments):
    out = tmp_path / "run"
    result = run(TRAIN + BASE + args + ["--output_dir", str(out)], tmp_path)
    assert_user_error(result, *fragments)
    assert not out.exists()


def test_train_rejects_missing_data_file(tmp_path):
    out = tmp_path / "run"
    result = run(TRAIN + BASE + ["--data.data_dir", str(tmp_path / "nowhere"), "--output_dir", str(out)], tmp_path)
    assert_user_error(result, "data file not found", "nowhere")
    assert not out.exists()


def test_train_reports_malformed_json_line(tmp_path):
    data = bad_data_dir(tmp_path, '{"sentence": "fine", "label": 1}\n{"sentence": "broken", "label": \n')
    out = tmp_path / "run"
    result = run(TRAIN + BASE + ["--data.data_dir", str(data), "--output_dir", str(out)], tmp_path)
    assert_user_error(result, "train.jsonl:2", "invalid JSON")
    assert not out.exists()


def test_train_then_evaluate(tmp_path):
    out = tmp_path / "run"
    result = run(TRAIN + BASE + ["--max_steps", "20", "--subset_size", "128", "--eval_frequency", "10",
                                 "--data.eval_subset_size", "32", "--output_dir", str(out), "--seed", "42"], tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["num_examples"] == 872
    assert metrics["steps"] == 20
    assert 0 <= metrics["decoded_accuracy"] <= 1
    assert (out / "checkpoints" / "step_0000010" / "adapter.safetensors").is_file()
    assert (out / "config.yaml").is_file()

    eval_file = tmp_path / "eval" / "metrics.json"
    result = run(EVALUATE + ["--checkpoint", str(out), "--task", "sst2", "--split", "validation",
                             "--output_file", str(eval_file)], tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    again = json.loads(eval_file.read_text())
    assert again["decoded_accuracy"] == metrics["decoded_accuracy"]  # same seed, same checkpoint, same decode
    assert len((tmp_path / "eval" / "metrics_predictions.jsonl").read_text().splitlines()) == 872


def test_evaluate_rejects_folder_without_checkpoint(tmp_path):
    result = run(EVALUATE + ["--checkpoint", str(tmp_path), "--split", "validation"], tmp_path)
    assert_user_error(result, "is not a checkpoint")
