"""The headless Chromium docs check passes on good pages and names the page and image of each broken one."""
import base64
import os
import subprocess
import sys
from pathlib import Path

import pytest

CHECKER = Path(__file__).resolve().parents[1] / "scripts" / "check_docs_browser.py"
COPY_MATHJAX = Path(__file__).resolve().parents[1] / "scripts" / "copy_mathjax.sh"
# Loads the offline MathJax that copy_mathjax.sh writes to mathjax/, with `$...$` as inline math like nbconvert pages.
MATHJAX = ("<script type='text/x-mathjax-config'>MathJax.Hub.Config({tex2jax: {inlineMath: [['$', '$']]}});</script>"
           "<script src='mathjax/MathJax.js?config=TeX-AMS-MML_HTMLorMML-full,Safe,local/offline'></script>")
# A valid 2x2 red PNG, written out with Pillow once and inlined here.
RED_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGP8z8DAwMDAxMDAwMDAAAANHQEDasKb6QAAAABJRU5ErkJggg==")
RED_DATA_URI = "data:image/png;base64," + base64.b64encode(RED_PNG).decode()

pytestmark = pytest.mark.skipif(os.environ.get("DOCS_BROWSER_CHECK") == "0",
                                reason="DOCS_BROWSER_CHECK=0 turns the browser check off")


def page(title, body, head=""):
    head += f"<title>{title}</title>" if title else ""
    return f"<!DOCTYPE html><html><head><meta charset='utf-8'>{head}</head><body>{body}</body></html>"


def write_pages(folder, pages):
    for name, html in pages.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(html)
    return folder


def copy_mathjax(docs_dir):
    subprocess.run(["bash", str(COPY_MATHJAX), str(docs_dir / "mathjax")], check=True, timeout=120,
                   env={**os.environ, "PYTHON": sys.executable})


def run_checker(docs_dir):
    result = subprocess.run([sys.executable, str(CHECKER), str(docs_dir), "--load-timeout", "30"],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode in (0, 1), f"browser check could not run:\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def good_run(tmp_path_factory):
    docs = tmp_path_factory.mktemp("good_docs")
    (docs / "figure.png").write_bytes(RED_PNG)
    copy_mathjax(docs)
    write_pages(docs, {
        "index.html": page("Home", f"<h1>Home</h1><img src='{RED_DATA_URI}'><img src='figure.png'>"
                                   r"<p>Math that MathJax typesets: $\alpha(t)$ and $t = 0$.</p>", MATHJAX),
        "sub/page.html": page("Sub", "<h1>Sub page</h1><pre>::: {.callout-note}</pre><img src='../figure.png'>"
                                    "<p>Prices are not TeX: $5 and $10.</p>"),
    })
    return docs, run_checker(docs)


@pytest.fixture(scope="module")
def bad_run(tmp_path_factory):
    docs = tmp_path_factory.mktemp("bad_docs")
    copy_mathjax(docs)
    write_pages(docs, {
        "missing.html": page("Missing", "<h1>Missing</h1><img src='missing.png'>"),
        "corrupt.html": page("Corrupt", "<h1>Corrupt</h1><img src='data:image/png;base64,AAAAAAAA'>"),
        "external.html": page("External", "<h1>External</h1><img src='http://figures.invalid/plot.png'>"),
        "untitled.html": page("", "<p>No title and no heading.</p>"),
        "script_error.html": page("Script", "<h1>Script</h1><script>undefinedFunction();</script>"),
        "blank.html": page("Blank", "<h1 style='color: white'>Invisible</h1>"),
        "quarto.html": page("Quarto", "<h1>Quarto</h1><p><a href='#'>source</a>{target=\"_blank\"}</p>"
                                      "<p>::: {.callout-warning}</p>"),
        "raw_tex.html": page("Raw TeX", r"<h1>Raw TeX</h1><p>No MathJax: $\alpha(t)$ and $t = 0$.</p>"),
        "tex_error.html": page("TeX error", "<h1>TeX error</h1><p>Unbalanced: $x^{$.</p>", MATHJAX),
        "missing_file.html": page("Missing file", "<h1>Missing file</h1><script src='missing.js'></script>"),
    })
    return docs, run_checker(docs)


def test_good_pages_pass(good_run):
    docs, result = good_run
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 pages passed, 0 failed" in result.stdout
    assert "FAIL" not in result.stderr


def test_offline_mathjax_typesets(good_run):
    docs, result = good_run
    rows = {line.split()[0]: line.split() for line in result.stdout.splitlines() if ".html" in line}
    assert rows["index.html"][5:7] == ["2", "0"], result.stdout  # two formulas typeset, no TeX source left
    assert rows["sub/page.html"][5:7] == ["0", "0"], result.stdout


def test_good_pages_count_images(good_run):
    docs, result = good_run
    rows = {line.split()[0]: line.split() for line in result.stdout.splitlines() if ".html" in line}
    assert rows["index.html"][2] == "2/2", result.stdout
    assert rows["sub/page.html"][2] == "1/1", result.stdout


def test_screenshots_saved_per_page(good_run):
    docs, result = good_run
    for name in ("index.png", "sub/page.png"):
        shot = docs / "_screenshots" / name
        assert shot.is_file(), result.stdout
        assert shot.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


def test_bad_pages_fail(bad_run):
    docs, result = bad_run
    assert result.returncode == 1, result.stdout + result.stderr
    assert "0 pages passed, 10 failed" in result.stdout


@pytest.mark.parametrize("expected_line", [
    'FAIL missing.html: broken image src="missing.png" (file not found: ',
    'FAIL corrupt.html: broken image src="data:image/png;base64,AAAAAAAA" (image failed to load or decode)',
    'FAIL external.html: broken image src="http://figures.invalid/plot.png" (external URL blocked',
    "FAIL untitled.html: page has no <title>",
    "FAIL untitled.html: page has no <h1> heading",
    "FAIL script_error.html: JavaScript exception: ReferenceError: undefinedFunction is not defined",
    "FAIL blank.html: screenshot is one flat color",
    'FAIL quarto.html: Quarto markup shown as text: {target="_blank"}',
    "FAIL quarto.html: Quarto markup shown as text: ::: {.callout-warning}",
    "FAIL raw_tex.html: 1 text nodes show TeX source (MathJax did not load)",
    "FAIL tex_error.html: MathJax error: x^{",
    "FAIL missing_file.html: local file failed to load: file://",
])
def test_bad_page_reported(bad_run, expected_line):
    docs, result = bad_run
    assert expected_line in result.stderr, result.stderr


def test_missing_docs_dir_fails(tmp_path):
    result = subprocess.run([sys.executable, str(CHECKER), str(tmp_path / "no_docs")],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "no *.html pages found" in result.stderr


def test_skip_variable_skips(tmp_path):
    env = {**os.environ, "DOCS_BROWSER_CHECK": "0"}
    result = subprocess.run([sys.executable, str(CHECKER), str(tmp_path)], capture_output=True, text=True,
                            timeout=60, env=env)
    assert result.returncode == 0
    assert "skipped because DOCS_BROWSER_CHECK=0" in result.stdout
