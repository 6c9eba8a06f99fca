"""Whole numbers typed by people (minutes, units, seeds), and how a bad value is quoted back.

`whole(raw)` accepts an int, an integral float, or text made of digits only: "2_3", "2e1",
"0x10", "１２" or "+5" are refused (Python's int() and float() would read some of them).
`clip(value)` cuts a value quoted in a message, so a 100,000-character input is never echoed
whole into a message or a screen-reader announcement.
"""

from __future__ import annotations

import re
from typing import Any

DIGITS = re.compile(r"[0-9]+")
#: the most digits read (a day has 1440 minutes; larger numbers are refused by range checks)
MAX_DIGITS = 9
#: the longest piece of a typed value quoted back in a message
SHOWN = 30


def clip(value: Any, limit: int = SHOWN) -> str:
    """repr() of `value`, cut to about `limit` characters with the full length noted."""
    text = value if isinstance(value, str) else repr(value)
    if len(text) <= limit:
        return repr(text) if isinstance(value, str) else text
    cut = repr(text[:limit])[:-1] if isinstance(value, str) else text[:limit]
    return f"{cut}...' ({len(text)} characters)" if isinstance(value, str) else f"{cut}... ({len(text)} characters)"


def whole(raw: Any) -> int:
    """A whole number of 0 or more from an int, an integral float or digits; ValueError names what is wrong."""
    if isinstance(raw, bool):
        raise ValueError("a number is needed, not true or false")
    if isinstance(raw, (int, float)):
        if raw != raw or raw in (float("inf"), float("-inf")) or raw % 1 or raw < 0:
            raise ValueError("it must be a whole number of 0 or more")
        if raw >= 10**MAX_DIGITS:
            raise ValueError(f"it has more than {MAX_DIGITS} digits")
        return int(raw)
    text = str(raw).strip()
    if not DIGITS.fullmatch(text):
        raise ValueError("write it with the digits 0-9 only")
    if len(text.lstrip("0")) > MAX_DIGITS:
        raise ValueError(f"it has more than {MAX_DIGITS} digits")
    return int(text)
