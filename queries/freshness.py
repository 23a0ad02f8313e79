"""How fresh the warehouse is (METRICS.md, "Data freshness")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd
import sqlalchemy as sa

from queries.scope import data_bounds
from warehouse import setup


@dataclass(frozen=True)
class Freshness:
    high_water: datetime | None  # the platform's updated_at high-water mark of the last load
    loaded_at: datetime | None  # when that load finished
    run_id: int | None
    data_version: str
    first_day: date | None  # first session day in the warehouse
    last_day: date | None  # last day with any activity

    def is_stale(self, now: datetime, max_age_hours: float) -> bool:
        """True when the last successful load finished more than `max_age_hours` ago."""
        if self.loaded_at is None:
            return True
        return (now - self.loaded_at).total_seconds() > max_age_hours * 3600


def _utc(value) -> datetime | None:
    if value is None:
        return None
    ts = pd.Timestamp(value)
    ts = ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")
    return ts.to_pydatetime()


def freshness(conn: sa.Connection) -> Freshness:
    """Data as of: the last successful load's high-water mark and finish time."""
    row = conn.execute(
        sa.text(
            "SELECT run_id, platform_high_water, finished_at FROM etl_run "
            "WHERE status = 'success' ORDER BY run_id DESC LIMIT 1"
        )
    ).first()
    bounds = data_bounds(conn)
    return Freshness(
        high_water=_utc(row.platform_high_water) if row else None,
        loaded_at=_utc(row.finished_at) if row else None,
        run_id=row.run_id if row else None,
        data_version=setup.data_version(conn),
        first_day=bounds.start if bounds else None,
        last_day=bounds.end if bounds else None,
    )
