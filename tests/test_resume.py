"""Preemption in subprocesses: a run killed with SIGKILL or stopped with SIGUSR1 resumes and ends bitwise like an uninterrupted one."""
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file

from lora_diffusion.training import PREEMPTED_EXIT_CODE, list_checkpoints

TRAIN = [sys.executable, "-c", "from lora_diffusion.cli import train_main; train_main()"]
SST2 = Path(__file__).resolve().parents[1] / "lora_diffusion" / "data" / "sst2"
# fields that measure time or memory, so they differ between any two runs
TIMING_KEYS = {"decode_seconds", "examples_per_s", "tokens_per_s", "seconds_per_step", "peak_memory_mb", "written_at"}
ENV = {**os.environ, "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("data")
    train_lines = (SST2 / "train.jsonl").read_text().splitlines()
    validation_lines = (SST2 / "validation.jsonl").read_text().splitlines()
    (folder / "train.jsonl").write_text("\n".join(train_lines[:64]) + "\n")
    (folder / "validation.jsonl").write_text("\n".join(validation_lines[:16]) + "\n")
    return folder


def train_command(data_dir, out):
    # the shipped MiniLM base at toy size: 12 steps of 8 examples, a checkpoint every 3 steps, 16 examples decoded
    return TRAIN + ["--config", "quickstart_cpu", "--task", "sst2", "--method", "lora_diffusion", "--seed", "7",
                    "--max_steps", "12", "--batch_size", "8", "--subset_size", "32", "--warmup_steps", "2",
                    "--eval_frequency", "0", "--training.save_frequency", "3", "--log_frequency", "1",
                    "--data.data_dir", str(data_dir), "--output_dir", str(out)]


def run_to_end(cmd, cwd):
    return subprocess.run(cmd, cwd=cwd, env=ENV, capture_output=True, text=True, timeout=600)


def start(cmd, cwd):
    return subprocess.Popen(cmd, cwd=cwd, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def wait_for_checkpoint(process, out, timeout=300):
    "Poll until `out` holds a complete checkpoint; fail if the process ends first or the wait times out."
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if list_checkpoints(out / "checkpoints"): return
        if process.poll() is not None:
            pytest.fail(f"training ended (code {process.returncode}) before its first checkpoint: {process.stderr.read()[-2000:]}")
        time.sleep(0.05)
    process.kill()
    pytest.fail(f"no checkpoint under {out} after {timeout} s")


def final_metrics(out):
    metrics = json.loads((out / "metrics.json").read_text())
    return {k: v for k, v in metrics.items() if k not in TIMING_KEYS}


def assert_same_result(out, reference):
    assert final_metrics(out) == final_metrics(reference)
    ours, theirs = load_file(out / "adapter.safetensors"), load_file(reference / "adapter.safetensors")
    assert ours.keys() == theirs.keys()
    for name in theirs:
        assert torch.equal(ours[name], theirs[name]), name
    assert (out / "predictions.jsonl").read_text() == (reference / "predictions.jsonl").read_text()


@pytest.fixture(scope="module")
def uninterrupted(data_dir, tmp_path_factory):
    out = tmp_path_factory.mktemp("uninterrupted") / "run"
    result = run_to_end(train_command(data_dir, out), out.parent)
    assert result.returncode == 0, result.stderr[-3000:]
    return out


def test_sigkill_then_rerun_matches(uninterrupted, data_dir, tmp_path):
    out = tmp_path / "run"
    process = start(train_command(data_dir, out), tmp_path)
    wait_for_checkpoint(process, out)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=60)
    assert not (out / "metrics.json").exists(), "the run finished before the kill; the test did not interrupt it"
    killed_at = list_checkpoints(out / "checkpoints")[-1][0]

    # what a kill during a save leaves behind: the rerun must ignore and delete it
    partial = out / "checkpoints" / ".step_0000099.tmp-12345"
    partial.mkdir()
    (partial / "adapter.safetensors").write_bytes(b"torn")

    result = run_to_end(train_command(data_dir, out), tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    assert f"resumed from step {killed_at}" in result.stderr
    assert not partial.exists()
    assert_same_result(out, uninterrupted)


def test_sigusr1_exits_75_then_resumes(uninterrupted, data_dir, tmp_path):
    out = tmp_path / "run"
    process = start(train_command(data_dir, out), tmp_path)
    wait_for_checkpoint(process, out)
    process.send_signal(signal.SIGUSR1)
    time.sleep(0.2)
    if process.poll() is None: process.send_signal(signal.SIGTERM)  # a second signal, while the step or the save runs
    stderr = process.communicate(timeout=300)[1]
    assert process.returncode == PREEMPTED_EXIT_CODE, stderr[-3000:]
    assert not (out / "metrics.json").exists()
    stopped_at = list_checkpoints(out / "checkpoints")[-1][0]
    assert "received SIGUSR1: wrote checkpoint" in stderr
    events = [json.loads(line) for line in (out / "train_log.jsonl").read_text().splitlines()]
    assert events[-1]["event"] == "preempted"
    assert events[-1]["step"] == stopped_at

    result = run_to_end(train_command(data_dir, out), tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    assert f"resumed from step {stopped_at}" in result.stderr
    assert_same_result(out, uninterrupted)
    losses = lambda folder: [(r["step"], r["loss"]) for r in map(json.loads, (folder / "train_log.jsonl").read_text().splitlines()) if "loss" in r]
    assert losses(out) == losses(uninterrupted)


def test_finished_run_is_not_resumed(uninterrupted, data_dir, tmp_path):
    result = run_to_end(train_command(data_dir, uninterrupted), tmp_path)
    assert result.returncode == 2
    assert "already contains a run" in result.stderr
