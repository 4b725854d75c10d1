#!/usr/bin/env bash
# Copy MathJax 2.7 from the PyPI package jupyter-server-mathjax (a dev requirement) into DEST, so HTML pages can
# typeset TeX without a network connection. Pages load it as
#   DEST/MathJax.js?config=TeX-AMS-MML_HTMLorMML-full,Safe,local/offline
# Copied: the loader, the combined TeX/MathML/HTML-CSS configuration and the files that configuration loads at run
# time. The SVG output, the a11y extensions and the translations are left out.
set -euo pipefail
if [ $# -ne 1 ]; then echo "usage: bash scripts/copy_mathjax.sh DEST"; exit 2; fi
dest=$1
py=${PYTHON:-}
if [ -z "$py" ]; then py="$(cd "$(dirname "$0")/.." && pwd)/.venv/bin/python"; [ -x "$py" ] || py=python3; fi

if ! src=$("$py" -c "import jupyter_server_mathjax, pathlib; print(pathlib.Path(jupyter_server_mathjax.__file__).parent / 'static')" 2>/dev/null); then
  echo "jupyter-server-mathjax is not installed in $py, so the pages could not typeset TeX offline: pip install -e '.[dev]'"
  exit 1
fi
for part in MathJax.js LICENSE config/TeX-AMS-MML_HTMLorMML-full.js config/Safe.js extensions/MathEvents.js \
    extensions/MathMenu.js extensions/MathZoom.js extensions/Safe.js extensions/HTML-CSS extensions/MathML \
    extensions/TeX jax/element jax/input jax/output/HTML-CSS fonts/HTML-CSS/STIX-Web; do
  mkdir -p "$dest/$(dirname "$part")"
  cp -R "$src/$part" "$dest/$part"
done

# The package ships the STIX-Web fonts only, and MathJax's HTML-CSS output requests its TeX fonts by default. The
# hidden MathML copy that MathJax adds for screen readers would also request TeX font files, so it gets a plain font.
mkdir -p "$dest/config/local"
cat > "$dest/config/local/offline.js" <<'JS'
MathJax.Hub.Config({
  "HTML-CSS": {availableFonts: [], preferredFont: null, webFont: "STIX-Web", imageFont: null},
  styles: {".MJX_Assistive_MathML *": {"font-family": "serif !important"}}
});
MathJax.Ajax.loadComplete("[MathJax]/config/local/offline.js");
JS
