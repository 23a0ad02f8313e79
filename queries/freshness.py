"""How fresh the warehouse is (METRICS.md, "Data freshness")."""

from __future__ import annotations

import json
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


@dataclass(frozen=True)
class LoaderStatus:
    """The loader as the etl_run log shows it. Cheap to read (the last runs by key), and not
    tied to the data version: a load that found nothing new leaves the data version as it was,
    but still shows the loader alive."""

    last_finished_at: datetime | None  # when the last successful load finished
    last_attempt_at: datetime | None  # when the last load (successful or not) started
    failures_since_success: int  # failed loads after the last successful one
    last_error: str | None  # the first line of the last failure's message, if it was last
    every_seconds: float | None  # the schedule of `etl watch`, if it ran the last success

    def allowed_age(self, default_max_age_hours: float = 36) -> float:
        """Seconds the last success may be old before the loader counts as stalled: three
        scheduled intervals (at least five minutes) under `etl watch`, else the default."""
        if self.every_seconds:
            return max(3 * self.every_seconds, 300.0)
        return default_max_age_hours * 3600

    def is_stalled(self, now: datetime, default_max_age_hours: float = 36) -> bool:
        """True when no load has succeeded for longer than allowed_age (or none ever has)."""
        if self.last_finished_at is None:
            return True
        age = (now - self.last_finished_at).total_seconds()
        return age > self.allowed_age(default_max_age_hours)


def loader_status(conn: sa.Connection, look_back: int = 50) -> LoaderStatus:
    """The loader's last runs (at most `look_back` of them are read)."""
    rows = conn.execute(
        sa.text(
            "SELECT started_at, finished_at, status, error, details FROM etl_run "
            "ORDER BY run_id DESC LIMIT :n"
        ),
        {"n": look_back},
    ).all()
    failures = 0
    success = None
    # A run is logged as running when it starts: in progress (or killed, until the next run
    # marks it interrupted), neither a success nor a failure yet.
    rows = [row for row in rows if row.status != "running"]
    for row in rows:
        if row.status == "success":
            success = row
            break
        failures += 1
    every = None
    if success is not None and success.details:
        try:
            every = json.loads(success.details).get("every_seconds")
        except ValueError:
            every = None
    last_error = None
    if rows and rows[0].status != "success" and rows[0].error:
        last_error = rows[0].error.strip().splitlines()[0]
    return LoaderStatus(
        last_finished_at=_utc(success.finished_at) if success else None,
        last_attempt_at=_utc(rows[0].started_at) if rows else None,
        failures_since_success=failures,
        last_error=last_error,
        every_seconds=float(every) if every else None,
    )
