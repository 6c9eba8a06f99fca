"""The GitHub Pages workflow: it parses, builds with the README's build, keeps .cache/, deploys site/.

Its `run:` steps are the same commands a person runs here; the test checks their order and their shell
syntax (running them all is the README's build, which the site-build tests already do).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
WORKFLOW = ROOT / ".github" / "workflows" / "pages.yml"


def load() -> dict:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def test_the_workflow_builds_checks_and_deploys_the_site_folder() -> None:
    flow = load()
    assert flow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    build = flow["jobs"]["build"]["steps"]
    runs = [s["run"] for s in build if "run" in s]
    assert runs == [
        "bash scripts/setup.sh",
        ".venv/bin/python -m build_tools check",
        "NO_MKDOCS_2_WARNING=1 .venv/bin/mkdocs build --strict",
    ]
    uses = [s["uses"].split("@")[0] for s in build if "uses" in s]
    assert uses == [
        "actions/checkout",
        "actions/setup-python",
        "actions/setup-node",
        "actions/cache",
        "actions/upload-pages-artifact",
    ]
    cache = next(s for s in build if s.get("uses", "").startswith("actions/cache"))
    assert cache["with"]["path"] == ".cache" and cache["with"]["restore-keys"] == "build-cache-"
    upload = next(s for s in build if s.get("uses", "").startswith("actions/upload-pages-artifact"))
    assert upload["with"]["path"] == "site"
    assert flow["jobs"]["deploy"]["needs"] == "build"
    assert flow["jobs"]["deploy"]["steps"][0]["uses"].startswith("actions/deploy-pages")


def test_every_run_step_is_valid_shell_and_names_files_that_exist() -> None:
    for step in load()["jobs"]["build"]["steps"]:
        if "run" not in step:
            continue
        done = subprocess.run(["bash", "-n", "-c", step["run"]], capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stderr
        for word in step["run"].split():
            if word.startswith("scripts/"):
                assert (ROOT / word).is_file(), word


def test_the_readme_build_is_the_workflows_build() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    serve = (ROOT / "scripts" / "serve.sh").read_text(encoding="utf-8")
    assert ".venv/bin/mkdocs build --strict" in serve and "bash scripts/setup.sh" in serve
    assert ".github/workflows/pages.yml" in readme
