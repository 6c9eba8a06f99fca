"""Parsed YAML files remembered by their bytes, so that a rebuild reads an unchanged data file without parsing it.

An entry's key is the digest of the file's bytes and of the reader that parsed them (the source of
`build_tools/yaml_strict.py`, the PyYAML version, whether libyaml is used, and the Python version, whose
`marshal` format the entries are kept in). Its value is what the strict reader gave: the data and the
line:column of every value and key. Only files read without a problem are remembered, so a problem is
always reported fresh; the size check and the read itself are never skipped. Every hit is decoded afresh,
so two documents never share an object. The cache lives in `.cache/parsed/` (gitignored), one file per
project, and holds exactly the entries of the latest load, so it does not grow.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
import sys
import tempfile
from pathlib import Path

import yaml

from build_tools import yaml_strict
from build_tools.yaml_strict import Parsed, parse, read_limited

CACHE_DIR = Path(".cache") / "parsed"


def _reader_digest() -> bytes:
    """What a cached entry depends on besides the file's own bytes."""
    reader = Path(yaml_strict.__file__).read_bytes()
    context = f"{yaml.__version__}|{yaml.__with_libyaml__}|{sys.version}|{marshal.version}".encode()
    return hashlib.sha256(reader + b"\0" + context).digest()


class ParseCache:
    """The entries of one project: read once when made, written once by `save` when they changed."""

    def __init__(self, root: Path) -> None:
        self.file = root / CACHE_DIR / (hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:16] + ".marshal")
        self._reader = _reader_digest()
        self._old = self._read()
        self._new: dict[bytes, bytes] = {}
        #: how many files this cache has parsed and how many it answered from memory (for tests and benchmarks)
        self.parsed = self.reused = 0

    def _read(self) -> dict[bytes, bytes]:
        try:
            entries = marshal.loads(self.file.read_bytes())
        except (OSError, EOFError, ValueError, TypeError):
            return {}
        valid = isinstance(entries, dict) and all(type(k) is bytes and type(v) is bytes for k, v in entries.items())
        return entries if valid else {}

    def parse(self, path: Path, max_bytes: int) -> Parsed:
        """`yaml_strict.parse(path)`, answered from the cache when the same bytes were read clean before."""
        parsed = Parsed()
        raw = read_limited(path, max_bytes, parsed)
        if raw is None:
            return parsed
        key = hashlib.sha256(self._reader + raw).digest()
        entry = self._new.get(key) or self._old.get(key)
        if entry is not None:
            try:
                parsed.data, parsed.marks, parsed.key_marks = marshal.loads(entry)
            except (EOFError, ValueError, TypeError):
                entry = None  # a damaged entry: parse the file as if it were new
            else:
                self._new[key] = entry
                self.reused += 1
                return parsed
        parsed = parse(path, raw, max_bytes)
        self.parsed += 1
        if not parsed.problems and parsed.data is not None:
            # a value marshal has no form for: not remembered, still returned
            with contextlib.suppress(ValueError):
                self._new[key] = marshal.dumps((parsed.data, parsed.marks, parsed.key_marks))
        return parsed

    def save(self) -> None:
        """Keep exactly this load's entries; a cache that cannot be written is left alone (it is only a cache)."""
        if self._new.keys() == self._old.keys():
            return
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.file.parent, prefix=".tmp-")
            with os.fdopen(fd, "wb") as out:
                out.write(marshal.dumps(self._new))
            os.replace(tmp, self.file)  # whole or absent, even with two builds at once
        except (OSError, ValueError):
            pass
