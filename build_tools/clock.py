"""What "today" is for the date checks: the one place that reads the clock.

A review, access or as-of date is refused when it lies in the future. "The future"
here is a day that has not begun anywhere on Earth yet (UTC+14 is the earliest
time zone), so a reviewer east of the build machine can date their work by their
own calendar, and a run at 23:59 UTC refuses nothing that a run a minute later
would accept. Set `TCG_TODAY=YYYY-MM-DD` to fix the day (reproducible builds,
tests); tests may also pass `today=` to `build_tools.check.check_loaded` directly.
"""

from __future__ import annotations

import datetime as dt
import os

#: environment variable that fixes "today" (YYYY-MM-DD)
ENV_VAR = "TCG_TODAY"
#: the earliest time zone on Earth (Kiribati, UTC+14)
EARLIEST_ZONE = dt.timezone(dt.timedelta(hours=14))


class ClockError(ValueError):
    """TCG_TODAY is set to something that is not a date."""


def latest_date_on_earth(now: dt.datetime) -> dt.date:
    """The calendar date in the earliest time zone at the aware instant `now`."""
    return now.astimezone(EARLIEST_ZONE).date()


def today(environ: dict[str, str] | None = None, now: dt.datetime | None = None) -> dt.date:
    """`TCG_TODAY` when set, else the latest calendar date anywhere on Earth at `now` (default: the clock)."""
    env = os.environ if environ is None else environ
    fixed = env.get(ENV_VAR, "").strip()
    if fixed:
        try:
            return dt.date.fromisoformat(fixed)
        except ValueError:
            raise ClockError(f"{ENV_VAR} must be a date written YYYY-MM-DD: {fixed[:40]!r}") from None
    return latest_date_on_earth(now or dt.datetime.now(dt.UTC))
