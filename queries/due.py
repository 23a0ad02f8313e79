"""Who is due for their next dose (Đến hạn tiêm), by residence commune and vaccine, as of a day.

Counts only: the warehouse holds no names. From `mart_wait` (etl/due.py): people waiting for
their next dose since the day of their last one, by residence commune, the vaccine of that last
dose and the dose they wait for (`primary`: the next dose of an incomplete primary series;
`booster`: the first booster after a complete primary series, or after an additional dose).

Definitions, as of the end of day D (calendar days; the intervals and grace period come from
`config/dose_intervals.toml`, or the file VAX_DOSE_INTERVALS_CONFIG names):
- waiting: a person whose last dose day s is on or before D and whose next dose, if any, came
  after D (start_date <= D < end_date);
- due date: s + the interval of the vaccine of the last dose to the dose waited for;
- due (đến hạn): waiting, and due date <= D <= due date + grace_days;
- overdue (quá hạn): waiting, and D > due date + grace_days;
- due soon (sắp đến hạn): waiting, and D < due date <= D + upcoming_days (next week's sessions);
- no interval: waiting after a vaccine the file gives no interval for that dose (counted, never
  dropped; e.g. a next primary dose after a one-dose vaccine).
A person is counted once, in the commune where they live now.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import sqlalchemy as sa

import settings
from queries.scope import Period, Scope

KINDS = ("primary", "booster")
COUNTS = ["waiting", "due_soon", "due", "overdue", "no_interval"]
COLUMNS = [
    "commune_code", "district_code", "vaccine_code", "next_kind", "interval_days", *COUNTS,
]  # fmt: skip


class DoseIntervalsError(ValueError):
    """The dose-interval file cannot be used (unreadable, malformed, bad values)."""


@dataclass(frozen=True)
class Interval:
    days: int
    source: str


@dataclass(frozen=True)
class DoseIntervals:
    """Per vaccine code, the minimum interval (days) to the next primary dose and to a booster,
    each with its source; the grace period after which a person due is overdue; the look-ahead
    of "due soon"."""

    grace_days: int = 28
    upcoming_days: int = 7
    next_primary: dict[str, Interval] = field(default_factory=dict)
    booster: dict[str, Interval] = field(default_factory=dict)

    def interval(self, vaccine_code: str, next_kind: str) -> int | None:
        table = self.next_primary if next_kind == "primary" else self.booster
        found = table.get(vaccine_code)
        return None if found is None else found.days

    def table(self) -> pd.DataFrame:
        """One row per vaccine: next_primary_days, next_primary_source, booster_days,
        booster_source (missing where the file gives none)."""
        codes = sorted(set(self.next_primary) | set(self.booster))
        rows = []
        for code in codes:
            primary, booster = self.next_primary.get(code), self.booster.get(code)
            rows.append(
                {
                    "vaccine_code": code,
                    "next_primary_days": primary.days if primary else None,
                    "next_primary_source": primary.source if primary else None,
                    "booster_days": booster.days if booster else None,
                    "booster_source": booster.source if booster else None,
                }
            )
        out = pd.DataFrame(rows, columns=["vaccine_code", "next_primary_days",
                                          "next_primary_source", "booster_days",
                                          "booster_source"])  # fmt: skip
        for column in ("next_primary_days", "booster_days"):
            out[column] = pd.to_numeric(out[column]).astype("Int64")
        return out


def config_path() -> Path:
    """The dose-interval file in use: $VAX_DOSE_INTERVALS_CONFIG, else the shipped one."""
    return settings.dose_intervals_config()


def _days(name: str, raw: object) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        raise DoseIntervalsError(f"{name} must be a number of days, not {raw!r}")
    if not math.isfinite(raw) or raw < 0 or not float(raw).is_integer():
        raise DoseIntervalsError(f"{name} must be a whole number of days >= 0, not {raw!r}")
    return int(raw)


def parse_intervals(text: str) -> DoseIntervals:
    """The intervals written in a TOML text (see config/dose_intervals.toml)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DoseIntervalsError(f"not valid TOML: {exc}") from None
    unknown = set(data) - {"grace_days", "upcoming_days", "vaccines"}
    if unknown:
        raise DoseIntervalsError(f"unknown setting {sorted(unknown)[0]!r}")
    vaccines = data.get("vaccines", {})
    if not isinstance(vaccines, dict):
        raise DoseIntervalsError("[vaccines] must be a table of vaccine codes")
    tables: dict[str, dict[str, Interval]] = {"next_primary": {}, "booster": {}}
    for code, entry in vaccines.items():
        if not isinstance(entry, dict):
            raise DoseIntervalsError(f"vaccines.{code} must be a table")
        extra = set(entry) - {f"{k}_{s}" for k in tables for s in ("days", "source")}
        if extra:
            raise DoseIntervalsError(f"vaccines.{code}: unknown setting {sorted(extra)[0]!r}")
        for kind, table in tables.items():
            if f"{kind}_days" not in entry:
                continue
            source = entry.get(f"{kind}_source")
            if not isinstance(source, str) or not source.strip():
                raise DoseIntervalsError(f"vaccines.{code}.{kind}_source must say where the "
                                         "interval comes from")  # fmt: skip
            table[code] = Interval(_days(f"vaccines.{code}.{kind}_days", entry[f"{kind}_days"]),
                                   source.strip())  # fmt: skip
    return DoseIntervals(
        grace_days=_days("grace_days", data.get("grace_days", 28)),
        upcoming_days=_days("upcoming_days", data.get("upcoming_days", 7)),
        next_primary=tables["next_primary"],
        booster=tables["booster"],
    )


def load_intervals(path: Path | None = None) -> DoseIntervals:
    """The intervals of the file in use (or `path`); DoseIntervalsError with a one-line reason
    when it cannot be used."""
    path = path or config_path()
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise DoseIntervalsError(f"cannot read {path.name}: {exc.strerror}") from None
    return parse_intervals(text)


def _commune_filter(scope: Scope) -> tuple[str, dict]:
    """SQL condition on a joined commune `area` row `a`: the residence communes of a scope (a
    site stands for the commune it is in)."""
    if scope.level == "province":
        return "1 = 1", {}
    if scope.level == "district":
        return "a.district_code = :scope_code", {"scope_code": scope.code}
    if scope.level == "commune":
        return "a.area_code = :scope_code", {"scope_code": scope.code}
    return (
        "a.area_code = (SELECT f.commune_code FROM facility f WHERE f.facility_id = :scope_code)",
        {"scope_code": scope.code},
    )


def waiting_as_of(conn: sa.Connection, scope: Scope, as_of: date) -> pd.DataFrame:
    """People waiting at the end of `as_of` by commune (with its district), vaccine of the last
    dose, dose waited for and the day their wait started."""
    where, params = _commune_filter(scope)
    df = pd.read_sql_query(
        sa.text(
            "SELECT m.commune_code, a.district_code, m.vaccine_code, m.next_kind, m.start_date, "
            "SUM(m.people) AS people FROM area a CROSS JOIN mart_wait m "
            "WHERE a.area_code = m.commune_code AND a.area_level = 'commune' "
            f"AND m.end_date > :day AND m.start_date <= :day AND {where} "
            "GROUP BY m.commune_code, a.district_code, m.vaccine_code, m.next_kind, m.start_date"
        ),
        conn,
        params={**params, "day": as_of},
    )
    df["start_date"] = pd.to_datetime(df["start_date"]).dt.normalize()
    df["people"] = df["people"].astype("int64")
    return df


def classify(waiting: pd.DataFrame, as_of: date, intervals: DoseIntervals) -> pd.DataFrame:
    """Counts per commune, vaccine and dose waited for, from `waiting_as_of` rows: a pure
    computation of the module's definitions (no database)."""
    if waiting.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in COLUMNS})
    day = pd.Timestamp(as_of)
    pairs = waiting[["vaccine_code", "next_kind"]].drop_duplicates()
    pairs["interval"] = [
        intervals.interval(v, k) for v, k in pairs.itertuples(index=False, name=None)
    ]
    interval = pd.Series(
        waiting[["vaccine_code", "next_kind"]]
        .merge(pairs, on=["vaccine_code", "next_kind"], how="left")["interval"]
        .to_numpy(dtype="float64"),
        index=waiting.index,
    )
    known = interval.notna().to_numpy()
    waited = (day - waiting["start_date"]).dt.days.to_numpy(np.int64)
    need = interval.fillna(0).to_numpy(np.int64)
    # due date u = start + interval; waited = D - start
    people = waiting["people"].to_numpy(np.int64)
    status = {
        "due_soon": known & (waited < need) & (waited >= need - intervals.upcoming_days),
        "due": known & (waited >= need) & (waited <= need + intervals.grace_days),
        "overdue": known & (waited > need + intervals.grace_days),
        "no_interval": ~known,
    }
    out = waiting[["commune_code", "district_code", "vaccine_code", "next_kind"]].assign(
        interval_days=interval.astype("Int64"),
        waiting=people,
        **{name: np.where(mask, people, 0) for name, mask in status.items()},
    )
    keys = ["commune_code", "district_code", "vaccine_code", "next_kind"]
    out = out.groupby(keys, as_index=False, dropna=False).agg(
        interval_days=("interval_days", "first"), **{c: (c, "sum") for c in COUNTS}
    )
    out[COUNTS] = out[COUNTS].astype("int64")
    return out.sort_values(keys).reset_index(drop=True)[COLUMNS]


def due_counts(
    conn: sa.Connection, scope: Scope, as_of: date, intervals: DoseIntervals | None = None
) -> pd.DataFrame:
    """Who is due as of the end of `as_of` in the scope's residence communes: one row per
    commune, vaccine of the last dose and dose waited for (`primary`, `booster`), with the
    interval applied and the people waiting, due soon, due, overdue and without an interval
    (see the module's definitions). `intervals` defaults to the file in use."""
    intervals = intervals or load_intervals()
    return classify(waiting_as_of(conn, scope, as_of), as_of, intervals)


def summarise(counts: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """`due_counts` rows summed by the given columns (e.g. district_code and next_kind)."""
    if counts.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in [*by, *COUNTS]})
    out = counts.groupby(by, as_index=False)[COUNTS].sum()
    return out.sort_values(by).reset_index(drop=True)


def waiting_for_period(conn: sa.Connection, scope: Scope, period: Period) -> pd.DataFrame:
    """`waiting_as_of` the period's last day (the pages' cached read; the intervals are applied
    after it, on every page view)."""
    return waiting_as_of(conn, scope, period.end)


def vaccine_names(conn: sa.Connection) -> dict[str, str]:
    """The catalogue's name of each vaccine code (the code where it has none)."""
    df = pd.read_sql_query(sa.text("SELECT vaccine_code, name FROM vaccine"), conn)
    return {c: (n or c) for c, n in zip(df["vaccine_code"], df["name"], strict=True)}
