#!/usr/bin/env bash
# Install what the tests need (virtualenv, pip packages, npm ci, Debian chromium) and run every test:
# lint, data check, unit tests, build tests and the Chromium tests. Browser tests may not skip here.
set -euo pipefail
cd "$(dirname "$0")/.."
# TCG_BROTLI_QUALITY=5: the build's .br copies at a quick quality (a deploy builds them at 11)
export NO_MKDOCS_2_WARNING=1 TCG_REQUIRE_BROWSER=1 TCG_BROTLI_QUALITY=5
bash scripts/setup.sh --test
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/python -m build_tools check
# two workers (pytest-xdist): each test file runs whole on one worker; the CDN-setting site is built once (conftest)
exec .venv/bin/python -m pytest -n "${TCG_TEST_WORKERS:-2}" --dist loadfile "$@"
