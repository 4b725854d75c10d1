"""Helpers shared by the tests that run the console scripts in subprocesses.

Test files import them with `from conftest import ...`. That works because this folder contains no __init__.py, so
pytest's default import mode puts it on sys.path.
"""
import os
import subprocess
import sys
from pathlib import Path

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"  # task data kept beside the repository
HUB_OFFLINE = {"HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}


def offline_env(**extra) -> dict:
    "Return a copy of this process's environment with Hugging Face hub access turned off, updated with `extra`."
    return {**os.environ, **HUB_OFFLINE, **extra}


def entry_point(module: str, function: str) -> list:
    "Return the command that calls `module.function()` in a fresh interpreter, as a console script would."
    return [sys.executable, "-c", f"from {module} import {function}; {function}()"]


def run_offline(cmd: list, cwd=None, env=None, *, timeout: float) -> subprocess.CompletedProcess:
    "Run `cmd` with its output captured as text, in `env` or else in `offline_env()`."
    return subprocess.run(cmd, cwd=cwd, env=offline_env() if env is None else env, capture_output=True, text=True,
                          timeout=timeout)


def assert_user_error(result: subprocess.CompletedProcess, *fragments: str, alone: bool = True):
    """Check that `result` exited with status 2 and that the last line of its stderr is an `error: ` line containing
    every fragment, with no traceback. With `alone`, that line must be all of stderr. Without it, log lines may come
    first."""
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines, "stderr is empty"
    if alone:
        assert len(lines) == 1, result.stderr
    assert lines[-1].startswith("error: "), result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    for fragment in fragments:
        assert fragment in lines[-1], lines[-1]
