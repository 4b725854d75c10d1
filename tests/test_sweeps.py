"""lora-diffusion-experiments as a subprocess: bad grids, the SLURM dry run, and real tiny runs with two workers and
with the papermill backend."""
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

SCRIPTS_DIR = Path(sys.executable).parent  # pip installs console scripts beside the interpreter
EXPERIMENTS = str(SCRIPTS_DIR / "lora-diffusion-experiments")
GRID = ["--tasks", "sst2", "--methods", "lora_diffusion", "--seeds", "42"]
TINY = ["--config", "quickstart_cpu", "--training.max_steps", "2", "--training.batch_size", "32",
        "--data.subset_size", "16", "--training.eval_frequency", "0", "--training.log_frequency", "1"]


def run(cmd, cwd, path=None, timeout=600):
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    if path is not None:
        env["PATH"] = path
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


def small_data(folder: Path, train_rows=32, eval_rows=8) -> Path:
    "The shipped SST-2 sample cut to a few rows, so the final evaluation decodes only `eval_rows` examples."
    from lora_diffusion.data import PACKAGE_DIR
    folder.mkdir(parents=True)
    for split, rows in (("train", train_rows), ("validation", eval_rows)):
        lines = (PACKAGE_DIR / "data" / "sst2" / f"{split}.jsonl").read_text().splitlines()[:rows]
        (folder / f"{split}.jsonl").write_text("\n".join(lines) + "\n")
    return folder


@pytest.mark.parametrize("args, fragment", [
    (GRID + ["--lora_rank_configs", "uniform_7"], "unknown rank config 'uniform_7': choose from uniform_8"),
    (GRID + ["--lora_num_modules", "0"], "needs at least 1 module"),
    (["--tasks", "--methods", "lora_diffusion", "--seeds", "42"], "the grid is empty: --tasks lists nothing"),
    (GRID + ["--lora_rank_configs"], "the grid is empty: --lora_rank_configs lists nothing"),
    (["--tasks", "sst2", "--methods", "bitfit", "--seeds", "42", "--lora_num_modules", "2"], "apply only to lora_diffusion"),
    (GRID + ["--launcher", "slurm"], "--launcher slurm needs sbatch, which is not on PATH"),
    (GRID + ["--launcher", "slurm", "--workers", "2"], "--workers applies to --launcher local"),
])
def test_bad_grid_gets_one_error_line(tmp_path, args, fragment):
    out = tmp_path / "grid"
    # PATH holds only the interpreter's folder, so there is no sbatch
    result = run([EXPERIMENTS, *args, "--output_dir", str(out)], tmp_path, path=str(SCRIPTS_DIR))
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: "), lines[0]
    assert fragment in lines[0], lines[0]
    assert not out.exists()


def test_slurm_dry_run_prints_sbatch(tmp_path):
    out = tmp_path / "grid"
    args = GRID + ["--launcher", "slurm", "--dry_run", "--lora_rank_configs", "uniform_8", "adaptive",
                   "--sbatch_args=--account=PAS0000 --time=01:00:00", *TINY]
    result = run([EXPERIMENTS, *args, "--output_dir", str(out)], tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f"run  sst2 lora_diffusion+rank_uniform_8 seed 42: {out / 'sst2' / 'lora_diffusion+rank_uniform_8' / 'seed_42'}"
    assert lines[2] == "2 cells; dry run, so nothing was trained or written."
    assert lines[3].startswith("would submit: sbatch --parsable --array=0-1 "), lines[3]
    assert "--account=PAS0000 --time=01:00:00" in lines[3], lines[3]
    assert lines[3].endswith(".tsv"), lines[3]
    assert not out.exists()


def test_two_workers_train_every_cell(tmp_path):
    out, data = tmp_path / "grid", small_data(tmp_path / "data")
    args = ["--tasks", "sst2", "--methods", "lora_diffusion", "bitfit", "--seeds", "1", "--workers", "2",
            *TINY, "--data.data_dir", str(data)]
    result = run([EXPERIMENTS, *args, "--output_dir", str(out)], tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    for method in ("lora_diffusion", "bitfit"):
        metrics = json.loads((out / "sst2" / method / "seed_1" / "metrics.json").read_text())
        assert (metrics["method"], metrics["steps"], metrics["num_examples"]) == (method, 2, 8)
    assert "| sst2 | bitfit | 1 | 0 |" in result.stdout
    # the same command again skips both complete cells
    again = run([EXPERIMENTS, *args, "--output_dir", str(out)], tmp_path)
    assert again.returncode == 0, again.stderr[-3000:]
    assert "0 to run, 0 to redo, 2 complete" in again.stderr


def test_papermill_backend_keeps_executed_notebook(tmp_path):
    out, data = tmp_path / "grid", small_data(tmp_path / "data")
    args = GRID + ["--backend", "papermill", "--lora_num_modules", "1", *TINY, "--data.data_dir", str(data)]
    result = run([EXPERIMENTS, *args, "--output_dir", str(out)], Path(__file__).resolve().parent.parent)
    assert result.returncode == 0, result.stderr[-3000:]
    folder = out / "sst2" / "lora_diffusion+modules_1" / "seed_42"
    notebook = json.loads((folder / "train_eval.ipynb").read_text())
    generated = notebook["metadata"]["lora_diffusion"]
    assert generated["generated"] is True
    assert generated["parameters"]["max_steps"] == 2
    assert generated["parameters"]["eval_examples"] == 0
    assert "".join(notebook["cells"][0]["source"]).startswith("**Generated file: do not edit.**")
    assert "injected-parameters" in json.dumps(notebook["cells"])
    for name in ("metrics.json", "config.yaml", "params.yaml", "loss_curve.png", "train.log"):
        assert (folder / name).is_file(), name
    metrics = json.loads((folder / "metrics.json").read_text())
    assert metrics["num_examples"] == 8
    assert "| sst2 | lora_diffusion+modules_1 | 1 | 0 |" in result.stdout


def child_pids(pid):
    "Process ids whose parent is `pid`, read from /proc."
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid:
            children.append(int(stat.parent.name))
    return children


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads child processes from /proc")
def test_sigterm_stops_worker_children(tmp_path):
    out = tmp_path / "grid"
    args = ["--tasks", "sst2", "--methods", "lora_diffusion", "bitfit", "--seeds", "1", "--workers", "2",
            "--config", "quickstart_cpu", "--training.max_steps", "500", "--output_dir", str(out)]
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    grid = subprocess.Popen([EXPERIMENTS, *args], cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 300
        while len(children := child_pids(grid.pid)) < 2:
            assert grid.poll() is None, grid.communicate()[1][-3000:]
            assert time.monotonic() < deadline, "the two cells did not start within 300 s"
            time.sleep(0.5)
        grid.send_signal(signal.SIGTERM)
        stderr = grid.communicate(timeout=60)[1]
    finally:
        if grid.poll() is None:
            grid.kill()
            grid.wait()
    assert grid.returncode == 143, stderr[-3000:]
    for pid in children:
        assert not Path(f"/proc/{pid}").exists(), f"child {pid} outlived the grid"
    for method in ("lora_diffusion", "bitfit"):
        assert not (out / "sst2" / method / "seed_1" / "error.txt").exists(), "an interrupted cell was recorded as failed"
