"""`python -m etl watch`: loads on a schedule, one at a time, until stopped.

Each load is one transaction (etl/run.py): a load that fails, or is stopped by SIGTERM or
Ctrl-C part way, leaves the previous state. A platform or warehouse that cannot be reached is
retried with back-off (the interval doubled after each failure, up to MAX_BACKOFF), with one
log line per attempt; the schedule resumes after the next successful load.
"""

from __future__ import annotations

import logging
import signal
import time
from collections.abc import Callable
from types import FrameType

from etl.result import EtlError, LockHeld, RunResult

LOG = logging.getLogger("etl")
MAX_BACKOFF = 15 * 60.0  # seconds


class Stopped(BaseException):  # noqa: N818 - raised by SIGTERM like KeyboardInterrupt by Ctrl-C
    """SIGTERM received: the load in progress (if any) is abandoned and rolled back."""


def _on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise Stopped


def _one_line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    message = text[0] if text else ""
    return message if isinstance(exc, EtlError) else f"{type(exc).__name__}: {message}"


def next_delay(every: float, failures: int) -> float:
    """Seconds to wait before the next load: the interval, doubled after each failure in a
    row, up to MAX_BACKOFF (or the interval, when that is longer)."""
    if failures == 0:
        return every
    return min(every * 2**failures, max(MAX_BACKOFF, every))


def watch(
    load: Callable[[], RunResult],
    every: float,
    summary: Callable[[RunResult], str],
    sleep: Callable[[float], None] = time.sleep,
    max_loads: int | None = None,
) -> int:
    """Run `load` every `every` seconds until SIGTERM or Ctrl-C (or `max_loads` attempts).
    Returns the process exit status (0: stopped cleanly)."""
    previous = signal.signal(signal.SIGTERM, _on_sigterm)
    failures = 0
    attempts = 0
    LOG.info(f"watching: a load every {every:g} s (SIGTERM or Ctrl-C stops)")
    try:
        while max_loads is None or attempts < max_loads:
            attempts += 1
            started = time.monotonic()
            try:
                result = load()
                failures = 0
                LOG.info(summary(result))
            except LockHeld as exc:
                LOG.info(f"load skipped: {exc}")
            except Exception as exc:  # noqa: BLE001 - a service keeps going; the load rolled back
                failures += 1
                LOG.warning(
                    f"load failed ({failures} in a row), next try in "
                    f"{next_delay(every, failures):g} s: {_one_line(exc)}"
                )
            if max_loads is not None and attempts >= max_loads:
                break
            # A schedule, not a pause: a load that took longer than the interval is followed
            # by the next at once.
            elapsed = time.monotonic() - started if failures == 0 else 0.0
            sleep(max(0.0, next_delay(every, failures) - elapsed))
    except (Stopped, KeyboardInterrupt):
        LOG.info("stopped; a load in progress was rolled back, the warehouse is as it was")
        return 0
    finally:
        signal.signal(signal.SIGTERM, previous)
    return 0
