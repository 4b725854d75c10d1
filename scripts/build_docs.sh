#!/usr/bin/env bash
# Build the docs site and README without Quarto.
# With Quarto installed, `nbdev_docs` builds the full site from nbs/_quarto.yml instead.
#   1. nbdev's notebook processors (show_doc, directives) write processed copies into _proc/
#      (the same step as nbdev_proc_nbs, minus its attempt to download and install Quarto);
#   2. the processed notebooks are cleaned of keys that nbconvert's schema rejects, and the YAML front matter that
#      nbdev writes for Quarto becomes the page's H1 heading and summary quote again;
#   3. scripts/copy_mathjax.sh copies MathJax 2.7 from the PyPI package jupyter-server-mathjax (a dev requirement)
#      to _docs/mathjax/, so the pages typeset TeX without a network connection;
#   4. nbconvert renders each page to HTML in _docs/ (with figures embedded, so each page is self-contained, and
#      MathJax loaded from _docs/mathjax/), and index.ipynb to README.md.
# With CHECK_README=1 (the default) the script fails when the committed README.md is out of date.
set -euo pipefail
cd "$(dirname "$0")/.."
py=.venv/bin/python; [ -x "$py" ] || py=python3

rm -rf _proc _docs
"$py" -W ignore -c "from nbdev.serve import proc_nbs; proc_nbs('nbs', n_workers=0, force=True)"
"$py" - <<'PY'
import json, pathlib, re, yaml

# Quarto-only markdown that nbconvert would print as text: attribute blocks after links (show_doc's
# `[source](...){target="_blank" ...}`) and callout divs, which become a quote with the callout's kind in bold.
LINK_ATTRIBUTES = re.compile(r"(\]\([^)\s]*\))\{[^}\n]*\}")
CALLOUT = re.compile(r"^::: *\{\.callout-(\w+)[^}\n]*\}[ \t]*\n(.*?)\n:::[ \t]*$", re.M | re.S)


def quote_callout(match):
    lines = match.group(2).strip("\n").splitlines()
    return f"> **{match.group(1).capitalize()}**\n>\n" + "\n".join(f"> {line}".rstrip() for line in lines)


def strip_quarto_markup(text):
    return CALLOUT.sub(quote_callout, LINK_ATTRIBUTES.sub(r"\1", text))


for path in pathlib.Path("_proc").rglob("*.ipynb"):
    nb = json.loads(path.read_text())
    nb.get("metadata", {}).pop("has_sd", None)
    cells = nb.get("cells", [])
    # nbdev moves the H1 title and its summary quote into a YAML front matter raw cell, which only Quarto reads, so
    # nbconvert would print it as text. Turn it back into a heading and a quote, and use the title as the HTML <title>.
    if cells and cells[0]["cell_type"] == "raw" and "".join(cells[0]["source"]).startswith("---"):
        meta = yaml.safe_load("".join(cells[0]["source"]).split("---")[1]) or {}
        if meta.get("title"):
            nb["metadata"]["title"] = meta["title"]
            heading = f"# {meta['title']}" + (f"\n\n> {meta['description']}" if meta.get("description") else "")
            cells[0] = {"cell_type": "markdown", "metadata": {}, "source": heading}
    for index, cell in enumerate(cells):
        cell.pop("has_sd", None)
        # nbconvert's validator rejects cell ids in notebooks older than nbformat 4.5 and expects them from 4.5 on,
        # where the cells that nbdev inserts have none.
        if nb.get("nbformat_minor", 0) < 5:
            cell.pop("id", None)
        else:
            cell.setdefault("id", f"processed-{index}")
        cell.get("metadata", {}).pop("execution", None)
        source = "".join(cell.get("source", ""))
        if cell["cell_type"] == "markdown":
            cell["source"] = strip_quarto_markup(source)
        for output in cell.get("outputs", []):
            markdown = output.get("data", {}).get("text/markdown")
            if markdown is not None:
                output["data"]["text/markdown"] = strip_quarto_markup("".join(markdown))
        if cell["cell_type"] == "code" and "#| echo: false" in source:
            cell["metadata"]["tags"] = ["remove_input"]  # Quarto hides these sources; nbconvert needs a tag
        if cell["cell_type"] == "code":  # Quarto cell options are not for readers
            cell["source"] = "".join(line for line in source.splitlines(True) if not line.startswith("#|"))
    path.write_text(json.dumps(nb, indent=1))
PY
mkdir -p _docs
PYTHON="$py" bash scripts/copy_mathjax.sh _docs/mathjax
# Pages in a subfolder of nbs/ (the metric modules) keep that subfolder under _docs/, and reach MathJax through ../.
for nb in _proc/*.ipynb _proc/metric_modules/*.ipynb; do
  page_dir="$(dirname "${nb#_proc/}")"
  to_root=""; [ "$page_dir" = "." ] || to_root="$(echo "$page_dir/" | sed 's|[^/]*/|../|g')"
  "$py" -m jupyter nbconvert --log-level WARN --to html --embed-images --no-prompt --output-dir "_docs/$page_dir" \
    --HTMLExporter.mathjax_url="${to_root}mathjax/MathJax.js?config=TeX-AMS-MML_HTMLorMML-full,Safe,local/offline" \
    --TagRemovePreprocessor.enabled=True --TagRemovePreprocessor.remove_input_tags remove_input "$nb"
done
ls _docs/*.html >/dev/null

# The title and summary are already a heading and a quote (see the front matter step above).
"$py" -m jupyter nbconvert --log-level WARN --to markdown --output-dir _proc/readme --output README _proc/index.ipynb
if [ "${CHECK_README:-1}" = "1" ] && ! diff -q _proc/readme/README.md README.md >/dev/null; then
  echo "README.md is out of date with nbs/index.ipynb: run CHECK_README=0 bash scripts/build_docs.sh && cp _proc/readme/README.md README.md"
  exit 1
fi
echo "docs: $(find _docs -name "*.html" | wc -l) pages in _docs/, MathJax in _docs/mathjax/ ($(du -sh _docs/mathjax | cut -f1))"
