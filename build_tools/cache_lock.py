"""One lock per build cache folder, so builds running at the same time (parallel test workers, two shells)
fill a cache entry once: the second build waits, then finds the entry whole and reuses it.

Uses an advisory `flock` on `<folder>.lock` beside the folder (the folder holds only entries); where the
platform has no `fcntl` (Windows) the lock is a no-op and the caches stay correct anyway (entries are
written to a temporary name and renamed).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]


@contextlib.contextmanager
def exclusive(folder: Path) -> Iterator[None]:
    """Hold the lock of cache `folder` (created if missing) for the `with` block."""
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder.with_name(folder.name + ".lock"), "a+b") as handle:
        if fcntl is not None:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            if fcntl is not None:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
