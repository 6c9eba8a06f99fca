"""Validation and page generation for the site: YAML data -> checked records -> pages and JSON.

build_tools imports engine, never the reverse (the engine's command line is the
one exception: it loads data through here).
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
