"""What the day loop produces: column arrays of visits, site sessions and ledger movements."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class CampaignLog:
    """The campaign's raw history, one array per column (codes from `codes.py`).

    visits: person, fac, day, outcome, reason, vax, lot, dose, kind (one row per screening);
    sessions: fac, day, vax, attempts, injected, capacity (one row per site-day with a session);
    ledger: store, day, lot, type, qty, counter, reason (one row per stock movement).
    """

    visits: dict[str, np.ndarray]
    sessions: dict[str, np.ndarray]
    ledger: dict[str, np.ndarray]


class Columns:
    """Named columns grown by appending one array per column at a time."""

    def __init__(self, *names):
        self.parts = {n: [] for n in names}

    def add(self, **cols):
        for k, v in cols.items():
            self.parts[k].append(np.asarray(v))

    def result(self) -> dict[str, np.ndarray]:
        return {
            k: (np.concatenate(v) if v else np.zeros(0, dtype=np.int64))
            for k, v in self.parts.items()
        }
