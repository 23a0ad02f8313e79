"""Timing helpers the benchmarks share."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import TypeVar

R = TypeVar("R")


def timed(func: Callable[[], R], repeat: int) -> tuple[float, R]:
    """The median wall time of `repeat` calls of `func` (seconds) and the last call's result."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result
