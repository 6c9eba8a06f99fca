"""Benchmark (a script, not a test): the build with many activities against plain MkDocs + Material.

Copies the project to a temporary folder, adds N activity files (copies of the real ones under new
slugs, with a word of their own in every sentence), then times, interleaved:
- project: `mkdocs build` with the project's hooks (load, validate, generate pages, export, runtime);
- plain:   `mkdocs build` of the very same Markdown pages (the generated ones written out as files)
           with the same theme and no hooks: the cost of MkDocs + Material alone.
Prints each median and the ratio project / plain, and the first project build (every file validated) apart
from the later ones (unchanged files are not validated again: build_tools/checks/valid_cache.py); also each
build's CPU time (user + system), which a machine shared with other jobs distorts far less than the wall time.

Usage: .venv/bin/python benchmarks/build_scale.py [--activities 5000] [--runs 2]
Record the printed figures, with the date, machine and load, in docs/about-performance.md.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from build_tools import pyodide  # noqa: E402
from build_tools.export import engine_archive  # noqa: E402
from build_tools.load import load_project  # noqa: E402
from build_tools.pages import generated_pages  # noqa: E402

COPIED = ("mkdocs.yml", "decision_tree.yaml", "package.json", "data", "docs", "overrides", "build_tools", "schemas")
COPIED += ("engine",)
COPIED += ("tests/worked_examples",)
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYODIDE_SOURCE": "cdn"}
#: values the templates read that the project's hooks would otherwise set
#: the end of a sentence in the YAML text (before a space, a line end or a closing quote)
SENTENCE_END = re.compile(r"(?<=[^\s.!?;])([.!?;])(?=[\s\"'])")
#: a list item of prose (several words, no closing punctuation), such as an equipment line
LIST_PROSE = re.compile(r"^(\s*- [A-Z][^\n]* [^\n]*[A-Za-z0-9)])$", re.M)
PLAIN_EXTRA = """
  pyodide_base: https://cdn.example.invalid/pyodide/
  tcg_runtime:
    engine: assets/runtime/engine.zip
"""


def project_copy(dest: Path, activities: int) -> None:
    for name in COPIED:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / name)
    # the compile cache and the npm copy of Pyodide: the precompiled runtime is made once, as in a real rebuild
    for name in ("node_modules", ".cache"):
        if (ROOT / name).exists():
            (dest / name).symlink_to(ROOT / name, target_is_directory=True)
    pyodide.precompiled(engine_archive(dest / "engine"), dest)  # made now if missing, so no build times it
    folder = dest / "data" / "activities"
    templates = sorted(folder.glob("*.yaml"))
    for i in range(max(0, activities - len(templates))):
        template = templates[i % len(templates)]
        slug = f"{template.stem}-{i:04d}"
        text = template.read_text(encoding="utf-8")
        text = re.sub(r"^slug: .*$", f"slug: {slug}", text, count=1, flags=re.M)
        # a word of its own in every sentence: the build refuses a long sentence written in two data files
        text = LIST_PROSE.sub(f"\\1 c{i}", SENTENCE_END.sub(f" c{i}\\1", text))
        (folder / f"{slug}.yaml").write_text(text, encoding="utf-8")


def plain_copy(project: Path, dest: Path) -> None:
    """The same pages as plain Markdown, the same theme, no hooks."""
    shutil.copytree(project / "docs", dest / "docs")
    shutil.copytree(project / "overrides", dest / "overrides")
    for src_uri, (content, _source) in generated_pages(load_project(project)).items():
        page = dest / "docs" / src_uri
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(content, encoding="utf-8")
    config = (project / "mkdocs.yml").read_text(encoding="utf-8")
    config = re.sub(r"^hooks:\n(  - .*\n)+", "", config, flags=re.M)
    config = re.sub(r"^watch:\n(  - .*\n)+", "", config, flags=re.M)
    config = config.replace("\nextra:\n", "\nextra:" + PLAIN_EXTRA, 1)
    (dest / "mkdocs.yml").write_text(config, encoding="utf-8")


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed_build(folder: Path, site: Path) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one build. The CPU time is the build's own (user + system, its children
    included once they have exited): on a machine shared with other jobs it moves far less than the wall time."""
    start, cpu = time.perf_counter(), _children_cpu()
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(site)],
        cwd=folder,
        env=ENV,
        check=True,
    )
    return time.perf_counter() - start, _children_cpu() - cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--activities", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        project, plain = Path(tmp) / "project", Path(tmp) / "plain"
        project.mkdir()
        project_copy(project, args.activities)
        plain.mkdir()
        plain_copy(project, plain)
        count = len(list((project / "data" / "activities").glob("*.yaml")))
        times: dict[str, list[float]] = {"project": [], "plain": []}
        cpus: dict[str, list[float]] = {"project": [], "plain": []}
        loads = []
        for _ in range(args.runs):
            for name, folder in (("project", project), ("plain", plain)):
                wall, cpu_s = timed_build(folder, Path(tmp) / f"site-{name}")
                times[name].append(wall)
                cpus[name].append(cpu_s)
            loads.append(os.getloadavg()[0])
            print(
                f"  run: project {times['project'][-1]:.1f} s ({cpus['project'][-1]:.1f} s CPU), "
                f"plain {times['plain'][-1]:.1f} s ({cpus['plain'][-1]:.1f} s CPU), load {loads[-1]:.2f}",
                flush=True,
            )
    cpu = next(
        (ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text().splitlines() if "model name" in ln),
        platform.processor(),
    )
    project_s, plain_s = statistics.median(times["project"]), statistics.median(times["plain"])
    print(f"date: {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC")
    print(f"machine: {platform.system()} {platform.release()}, {os.cpu_count()} cores ({cpu})")
    print("load average before / after (1 min): " + f"{load_before[0]:.2f} / {os.getloadavg()[0]:.2f}")
    print(f"activities: {count}, runs: {args.runs} (interleaved)")
    print(f"project build: median {project_s:.1f} s ({', '.join(f'{t:.1f}' for t in times['project'])})")
    print(
        f"plain MkDocs + Material, same pages: median {plain_s:.1f} s ({', '.join(f'{t:.1f}' for t in times['plain'])})"
    )
    print(f"ratio project / plain: {project_s / plain_s:.2f}x (median of all runs)")
    print("load average (1 min) after each run: " + ", ".join(f"{x:.2f}" for x in loads))
    cpu_project, cpu_plain = statistics.median(cpus["project"]), statistics.median(cpus["plain"])
    print(
        f"CPU time: project median {cpu_project:.1f} s ({', '.join(f'{t:.1f}' for t in cpus['project'])}), "
        f"plain {cpu_plain:.1f} s ({', '.join(f'{t:.1f}' for t in cpus['plain'])}): "
        f"{cpu_project / cpu_plain:.2f}x; first project build {cpus['project'][0] / cpu_plain:.2f}x"
    )
    # the first project build validates every file; later ones find unchanged files in .cache/valid/
    first, later = times["project"][0], times["project"][1:]
    print(f"first project build (schema cache empty): {first:.1f} s, {first / plain_s:.2f}x plain")
    if later:
        print(
            f"later project builds (unchanged files not validated again): median {statistics.median(later):.1f} s, "
            f"{statistics.median(later) / plain_s:.2f}x plain"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
