"""lora-diffusion-compose in a subprocess: bad input ends with one error line, exit status 2 and no output folder."""
from conftest import assert_user_error, entry_point, run_offline
from lora_diffusion.config import load_config, save_config

COMPOSE = entry_point("lora_diffusion.composition", "compose_main")


def run(args, cwd):
    return run_offline(COMPOSE + args, cwd, timeout=300)


def fake_run(folder, task, method="lora_diffusion", base="minilm-diffusion"):
    "A run folder with a real config and a placeholder adapter file: enough for the checks made before loading."
    cfg = load_config(task, method, "quickstart_cpu")
    cfg.model.name_or_path = base
    folder.mkdir(parents=True)
    save_config(cfg, folder / "config.yaml")
    (folder / "adapter.safetensors").write_bytes(b"")
    return str(folder)


def test_fewer_than_two_tasks(tmp_path):
    result = run([fake_run(tmp_path / "sst2", "sst2"), "--output_dir", str(tmp_path / "out")], tmp_path)
    assert_user_error(result, "at least 2 tasks, got 1")
    assert not (tmp_path / "out").exists()


def test_task_given_twice(tmp_path):
    runs = [fake_run(tmp_path / "a", "trec"), fake_run(tmp_path / "b", "trec")]
    result = run(runs + ["--output_dir", str(tmp_path / "out")], tmp_path)
    assert_user_error(result, "task trec is given twice")
    assert not (tmp_path / "out").exists()


def test_run_of_another_method(tmp_path):
    runs = [fake_run(tmp_path / "sst2", "sst2"), fake_run(tmp_path / "agnews", "agnews", method="weight_lora")]
    result = run(runs + ["--output_dir", str(tmp_path / "out")], tmp_path)
    assert_user_error(result, "trained with --method weight_lora")


def test_runs_of_different_bases(tmp_path):
    runs = [fake_run(tmp_path / "sst2", "sst2"), fake_run(tmp_path / "agnews", "agnews", base="other-base")]
    result = run(runs + ["--output_dir", str(tmp_path / "out")], tmp_path)
    assert_user_error(result, "compose runs of one base")


def test_missing_run_folder(tmp_path):
    result = run([str(tmp_path / "missing"), fake_run(tmp_path / "sst2", "sst2"), "--output_dir", str(tmp_path / "out")], tmp_path)
    assert_user_error(result, "has no config.yaml")


def test_invalid_router_steps(tmp_path):
    runs = [fake_run(tmp_path / "sst2", "sst2"), fake_run(tmp_path / "agnews", "agnews")]
    result = run(runs + ["--output_dir", str(tmp_path / "out"), "--router_steps", "0"], tmp_path)
    assert_user_error(result, "--router_steps 0 is invalid")


def test_existing_results_kept(tmp_path):
    runs = [fake_run(tmp_path / "sst2", "sst2"), fake_run(tmp_path / "agnews", "agnews")]
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "results.json").write_text("{}")
    result = run(runs + ["--output_dir", str(tmp_path / "out")], tmp_path)
    assert_user_error(result, "already contains results.json")
    assert (tmp_path / "out" / "results.json").read_text() == "{}"
