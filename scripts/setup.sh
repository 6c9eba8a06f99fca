#!/usr/bin/env bash
# Shared set-up for the two README commands: a virtualenv with the project installed,
# and (with --test) Debian's Chromium and the npm copy of Pyodide. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
extra=""
[ "${1:-}" = "--test" ] && extra="[test]"
# (this workplace's pip config names local mirrors that may be absent: drop those notices, keep real errors)
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".${extra}" 2>&1 \
  | { grep -v "is ignored: it is neither a file nor a directory" || true; }

# the npm copy of Pyodide: the offline site and the tests run it; every build (CDN too) uses it under Node to
# precompile Python's standard library and the engine (build_tools/pyodide.py); without npm a CDN build still works
if [ "${1:-}" = "--test" ] || [ "${PYODIDE_SOURCE:-}" = "local" ] || command -v npm >/dev/null; then
  npm ci --silent --no-audit --no-fund
fi
if [ "${1:-}" = "--test" ] && [ ! -x /usr/bin/chromium ]; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi
