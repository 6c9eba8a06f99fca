#!/usr/bin/env bash
# Build and serve the site on http://127.0.0.1:8000 (Ctrl+C stops it).
#   bash scripts/serve.sh            live-reloading preview; Pyodide from the pinned CDN URL
#   bash scripts/serve.sh --offline  build into site/ with a local Pyodide copy and serve that folder
set -euo pipefail
cd "$(dirname "$0")/.."
export NO_MKDOCS_2_WARNING=1
if [ "${1:-}" = "--offline" ]; then
  export PYODIDE_SOURCE=local
  bash scripts/setup.sh
  .venv/bin/mkdocs build --strict
  echo "Serving site/ on http://127.0.0.1:8000/ (Ctrl+C to stop)"
  exec .venv/bin/python -m http.server 8000 --bind 127.0.0.1 --directory site
fi
bash scripts/setup.sh
exec .venv/bin/mkdocs serve --strict -a 127.0.0.1:8000
