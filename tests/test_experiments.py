"""The grid and table-check console scripts in subprocesses: dry run, collection of finished runs, user errors."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from lora_diffusion import __version__

SCRIPTS_DIR = Path(sys.executable).parent  # pip installs console scripts beside the interpreter
GRID = ["--tasks", "sst2", "--methods", "lora_diffusion", "--seeds", "42", "43"]


def installed_script(name):
    path = SCRIPTS_DIR / name
    if not path.is_file():
        pytest.fail(f"{path} is not installed; run pip install -e . so the console scripts of settings.ini exist")
    return [str(path)]


def run(cmd, cwd):
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def write_fake_run(root, method, seed, accuracy, trainable_params):
    folder = root / "sst2" / method / f"seed_{seed}"
    folder.mkdir(parents=True)
    metrics = {"task": "sst2", "method": method, "seed": seed, "decoded_accuracy": accuracy,
               "macro_f1": accuracy - 0.02, "trainable_params": trainable_params, "base_params": 22_700_000,
               "trainable_percent": 100 * trainable_params / 22_700_000, "adapter_mb": trainable_params * 4 / 2**20,
               "seconds_per_step": 0.3, "peak_memory_mb": 1500.0, "lora_diffusion_version": __version__}
    (folder / "metrics.json").write_text(json.dumps(metrics))


@pytest.fixture
def finished_grid(tmp_path):
    root = tmp_path / "grid"
    for seed, accuracy in [(42, 0.81), (43, 0.83), (44, 0.80)]:
        write_fake_run(root, "lora_diffusion", seed, accuracy, 1_180_000)
        write_fake_run(root, "weight_lora", seed, accuracy - 0.02, 590_000)
    return root


def test_dry_run_prints_cells(tmp_path):
    out = tmp_path / "grid"
    # a dry run builds each model once, so it needs a config with a base
    result = run(installed_script("lora-diffusion-experiments") + GRID + ["--output_dir", str(out), "--dry_run",
                                                                  "--config", "quickstart_cpu", "--training.max_steps", "3"], tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines == [f"run  sst2 lora_diffusion seed 42: {out / 'sst2' / 'lora_diffusion' / 'seed_42'}",
                     f"run  sst2 lora_diffusion seed 43: {out / 'sst2' / 'lora_diffusion' / 'seed_43'}",
                     "2 cells; dry run, so nothing was trained or written."]
    assert not out.exists()


def test_collect_only_writes_tables(finished_grid, tmp_path):
    result = run(installed_script("lora-diffusion-experiments") + ["--output_dir", str(finished_grid), "--collect_only"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert "| sst2 | lora_diffusion | 3 | 0 | 81.33 ± 1.53 |" in result.stdout
    assert "| sst2 | weight_lora | 3 | 0 | 79.33 ± 1.53 |" in result.stdout
    for name in ["results.csv", "results.md", "results.tex", "parameter_counts.json", "failures.md",
                 "accuracy_vs_trainable.png"]:
        assert (finished_grid / name).is_file(), name
    counts = json.loads((finished_grid / "parameter_counts.json").read_text())
    assert counts["weight_lora"]["trainable_params"] == 590_000


def test_verify_tables_passes_then_fails(finished_grid, tmp_path):
    collected = run(installed_script("lora-diffusion-experiments") + ["--output_dir", str(finished_grid), "--collect_only"], tmp_path)
    assert collected.returncode == 0, collected.stderr
    counts_file = finished_grid / "parameter_counts.json"
    verify = installed_script("lora-diffusion-verify-tables") + ["--table", str(finished_grid / "results.csv"),
                                                       "--counts", str(counts_file)]
    result = run(verify, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "ok\n"

    counts = json.loads(counts_file.read_text())
    counts["weight_lora"]["trainable_params"] = 600_000
    counts_file.write_text(json.dumps(counts))
    result = run(verify, tmp_path)
    assert result.returncode == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("weight_lora (sst2): trainable_params is 590000"), lines[0]


def test_failed_cell_exits_1(finished_grid, tmp_path):
    failed = finished_grid / "sst2" / "weight_lora" / "seed_45"
    failed.mkdir()
    (failed / "error.txt").write_text("RuntimeError: CUDA out of memory\n")
    result = run(installed_script("lora-diffusion-experiments") + ["--output_dir", str(finished_grid), "--collect_only"], tmp_path)
    assert result.returncode == 1
    assert "1 of 7 cells failed" in result.stderr
    failures = (finished_grid / "failures.md").read_text()
    assert "Reason: RuntimeError: CUDA out of memory" in failures
    assert "lora-diffusion-train --task sst2 --method weight_lora --seed 45 --output_dir" in failures


@pytest.mark.parametrize("args, fragment", [
    (["--tasks", "sst2", "--methods", "lora_diffusion", "nope", "--seeds", "42"], "unknown method 'nope'"),
    (["--tasks", "sst3", "--methods", "lora_diffusion", "--seeds", "42"], "unknown task 'sst3'"),
    (GRID + ["--training.max_stepz", "3"], "training.max_stepz"),
    (GRID + ["--seed", "7"], "training.seed is invalid in a grid"),
    (["--methods", "lora_diffusion", "--seeds", "42"], "--tasks is missing"),
])
def test_experiments_rejects_bad_grid(tmp_path, args, fragment):
    out = tmp_path / "grid"
    result = run(installed_script("lora-diffusion-experiments") + args + ["--output_dir", str(out)], tmp_path)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    assert fragment in lines[0], lines[0]
    assert not out.exists()


def test_verify_tables_reports_missing_file(tmp_path):
    result = run(installed_script("lora-diffusion-verify-tables") + ["--table", str(tmp_path / "results.csv"),
                                                           "--counts", str(tmp_path / "parameter_counts.json")], tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("error: file not found"), result.stderr
