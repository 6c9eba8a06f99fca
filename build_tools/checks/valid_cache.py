"""Which documents already passed their JSON Schema, so that a rebuild skips validating them again.

An entry is the digest of the schema set, the jsonschema version, the schema's name and the
document's data as loaded (not its bytes, so data changed in memory is validated afresh).
Only clean results are remembered: a document with a problem is always validated, so its
messages are never stale. The cache lives in `.cache/valid/` (gitignored), one file per
project folder, and holds only the entries of the latest check, so it does not grow.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from importlib.metadata import version
from pathlib import Path
from typing import Any

CACHE_DIR = Path(".cache") / "valid"


def _typed(value: object) -> list[str]:
    """JSON for what JSON has no form for (a date, say), kept apart from a string of the same text."""
    return [f"<{type(value).__name__}>", str(value)]


def schema_digest(schemas: dict[str, Any]) -> str:
    """The digest of the schema set and of the validator that reads it."""
    text = json.dumps([version("jsonschema"), schemas], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def entry(schemas_digest: str, schema_name: str, data: Any) -> str:
    """The cache entry of `data` checked against `schema_name`."""
    text = json.dumps([schemas_digest, schema_name, data], sort_keys=True, ensure_ascii=False, default=_typed)
    return hashlib.sha256(text.encode()).hexdigest()


def _file(root: Path) -> Path:
    return root / CACHE_DIR / (hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:16] + ".txt")


def read(root: Path) -> set[str]:
    """The entries remembered for the project in `root` (none when the cache is missing or unreadable)."""
    try:
        return set(_file(root).read_text(encoding="ascii").split())
    except (OSError, UnicodeDecodeError):
        return set()


def write(root: Path, entries: set[str]) -> None:
    """Remember exactly `entries` for `root`; a cache that cannot be written is left alone (it is only a cache)."""
    target = _file(root)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        with os.fdopen(fd, "w", encoding="ascii") as out:
            out.write("\n".join(sorted(entries)))
        os.replace(tmp, target)  # whole or absent, even with two builds at once
    except OSError:
        pass
