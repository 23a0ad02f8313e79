"""A live platform: `python -m simulator --follow [--speed N]` keeps writing what the campaign
enters next, as it would arrive, N times faster than real time.

The whole campaign is simulated once in memory (as for any run); then, every tick, the rows
whose `updated_at` fell between the previous simulated moment and the new one are inserted or
updated, in one transaction per tick. The platform's `end` (the last complete local day) and
`cutoff` (the simulated moment written up to) are kept in its meta table, so a later
`--follow` or `--end` continues from there.
"""

from __future__ import annotations

import signal
import time
from collections.abc import Callable
from types import FrameType

from .db import Platform
from .schema import TABLE_ORDER
from .timeutil import index_date, local_day_of


class _Stop(BaseException):
    pass


def _on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise _Stop


def follow(
    platform: Platform,
    tables: dict,
    meta: dict[str, str],
    since: int,
    speed: float,
    tick: float,
    progress: Callable[[str], None],
    max_ticks: int | None = None,
) -> None:
    """Write the campaign from simulated moment `since` on, `speed` times faster than real
    time, one transaction every `tick` seconds, until SIGTERM or Ctrl-C (or `max_ticks`)."""
    previous = signal.signal(signal.SIGTERM, _on_sigterm)
    now = since
    last = time.monotonic()
    ticks = 0
    progress(f"following at {speed:g}x real time from {_moment(now)} (SIGTERM or Ctrl-C stops)")
    try:
        while max_ticks is None or ticks < max_ticks:
            time.sleep(max(0.0, tick - (time.monotonic() - last)))
            real = time.monotonic()
            until = now + max(1, int((real - last) * speed))
            last = real
            frames = {}
            for t in TABLE_ORDER:
                frame = tables[t].as_of(until)
                stamps = frame["updated_at"].to_numpy()
                frames[t] = frame[(stamps >= now) & (stamps < until)]
            end = max(meta["end"], index_date(int(local_day_of(until)) - 1).isoformat())
            meta = {**meta, "end": end, "cutoff": str(until)}
            counts = platform.write(frames, meta, False, lambda message: None)
            rows = sum(counts.values())
            progress(
                f"{time.strftime('%H:%M:%S')} platform as of {_moment(until)}: "
                f"{rows:,} rows ({counts.get('visit', 0):,} visits)"
            )
            now = until
            ticks += 1
    except (_Stop, KeyboardInterrupt):
        progress(f"stopped; the platform is complete up to {_moment(now)}")
    finally:
        signal.signal(signal.SIGTERM, previous)


def _moment(seconds: int) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(seconds))
