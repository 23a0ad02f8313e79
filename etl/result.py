"""What a load reports: its errors, its counts per table and its timings."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime


class EtlError(RuntimeError):
    """A load that could not run, with a message for the operator."""


class LockHeld(EtlError):
    pass


@dataclass
class TableStats:
    extracted: int = 0
    retried: int = 0
    unchanged: int = 0
    superseded: int = 0  # older rows of a key the source holds more than once
    kept_coordinates: int = 0  # facilities keeping their earlier, better coordinates
    loaded: int = 0
    rejected: int = 0
    seconds: float = 0.0
    steps: dict[str, float] = field(default_factory=dict)


@dataclass
class RunResult:
    run_id: int
    status: str
    high_water: datetime | None
    seconds: float
    tables: dict[str, TableStats] = field(default_factory=dict)
    steps: dict[str, float] = field(default_factory=dict)

    @property
    def extracted(self) -> int:
        return sum(t.extracted for t in self.tables.values())

    @property
    def loaded(self) -> int:
        return sum(t.loaded for t in self.tables.values())

    @property
    def rejected(self) -> int:
        return sum(t.rejected for t in self.tables.values())


class Lap:
    """Records the seconds since the previous lap under a step name."""

    def __init__(self, steps: dict[str, float]) -> None:
        self.steps = steps
        self.last = time.perf_counter()

    def __call__(self, name: str) -> None:
        now = time.perf_counter()
        self.steps[name] = round(self.steps.get(name, 0.0) + now - self.last, 3)
        self.last = now
