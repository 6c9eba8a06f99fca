"""Problems found in the data, and how they are printed: 'path:line:col: message (fix: ...)'."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from build_tools import ROOT

#: line breaks a file name or a quoted value may hold, written as escapes so that each problem stays one line
ONE_LINE = str.maketrans({"\n": "\\n", "\r": "\\r", "\x85": "\\x85", "\u2028": "\\u2028", "\u2029": "\\u2029"})


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one file, at a place in it."""

    path: Path
    line: int
    column: int
    message: str
    fix: str = ""

    def located(self) -> str:
        """'line:column: message (fix: ...)', without the path."""
        hint = f" (fix: {self.fix})" if self.fix else ""
        return f"{self.line}:{self.column}: {self.message}{hint}"

    def shown(self, root: Path = ROOT) -> str:
        """'path:line:column: message (fix: ...)' with the path relative to `root` when inside it."""
        try:
            path = self.path.relative_to(root)
        except ValueError:
            path = self.path
        return f"{path}:{self.located()}".translate(ONE_LINE)

    def __str__(self) -> str:
        return self.shown()


def render(problems: list[Problem], root: Path = ROOT) -> str:
    """Every problem, sorted, then a count."""
    lines = [p.shown(root) for p in sorted(problems)]
    lines.append(f"{len(problems)} problem{'s' if len(problems) != 1 else ''} found")
    return "\n".join(lines)
