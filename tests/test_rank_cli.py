"""lora-diffusion-analyze-rank in a subprocess: bad input ends with one error line, exit status 2 and no output folder."""
from conftest import assert_user_error, entry_point, run_offline

ANALYZE_RANK = entry_point("lora_diffusion.rank_analysis", "analyze_rank_main")


def run(args, cwd):
    return run_offline(ANALYZE_RANK + args, cwd, timeout=300)


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
