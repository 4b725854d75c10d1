"""lora-diffusion-analyze-rank in a subprocess: bad input ends with one error line, exit status 2 and no output folder."""
import os
import subprocess
import sys

ANALYZE_RANK = [sys.executable, "-c", "from lora_diffusion.rank_analysis import analyze_rank_main; analyze_rank_main()"]


def run(args, cwd):
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    return subprocess.run(ANALYZE_RANK + args, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def assert_user_error(result, fragment):
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: "), lines[0]
    assert fragment in lines[0], lines[0]


def test_missing_run_folder(tmp_path):
    result = run([str(tmp_path / "missing"), "--output_dir", str(tmp_path / "out")], tmp_path)
    assert_user_error(result, "run folder not found")
    assert not (tmp_path / "out").exists()


def test_folder_without_runs(tmp_path):
    (tmp_path / "empty").mkdir()
    result = run([str(tmp_path / "empty"), "--output_dir", str(tmp_path / "out")], tmp_path)
    assert_user_error(result, "no lora_diffusion or weight_lora run")
    assert not (tmp_path / "out").exists()


def test_invalid_sentence_count(tmp_path):
    result = run([str(tmp_path), "--output_dir", str(tmp_path / "out"), "--num_sentences", "0"], tmp_path)
    assert_user_error(result, "--num_sentences 0 is invalid")
