"""Size budget for model files. Every version of every committed `.safetensors` file, git history included, must
stay under 25 MB in total, so that a clone stays small."""
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
BUDGET_BYTES = 25 * 1000**2


def git(*args: str, stdin: str | None = None) -> str:
    return subprocess.run(["git", "-C", str(REPO), *args], input=stdin, capture_output=True, text=True, check=True).stdout


def committed_model_blobs() -> dict:
    "Map each blob id of a `.safetensors` path in any commit to (path, size in bytes)."
    objects = [line.split(" ", 1) for line in git("rev-list", "--objects", "--all").splitlines() if " " in line]
    blobs = {oid: path for oid, path in objects if path.endswith(".safetensors")}
    if not blobs: return {}
    sizes = git("cat-file", "--batch-check=%(objectname) %(objectsize)", stdin="\n".join(blobs) + "\n")
    return {oid: (blobs[oid], int(size)) for oid, size in (line.split() for line in sizes.splitlines())}


def test_model_files_under_budget():
    if not (REPO / ".git").exists(): pytest.skip("not a git checkout")
    blobs = committed_model_blobs()
    assert any("bases/" in path for path, _ in blobs.values()), "no shipped base found in the history"
    total = sum(size for _, size in blobs.values())
    listing = "\n".join(f"{size / 1e6:8.2f} MB  {path}" for path, size in sorted(blobs.values()))
    assert total < BUDGET_BYTES, f"committed model files total {total / 1e6:.2f} MB (budget 25 MB):\n{listing}"
