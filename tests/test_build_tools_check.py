"""build_tools check: the real data passes, and the command line reports problems with exit 1."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def test_real_data_passes_check(project_root: Path) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "build_tools", "check"], cwd=project_root, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    assert "0 problems" in run.stdout
