"""When coverage targets would be reached at the recent pace: a pure function over the rows of
`queries.coverage.coverage_trend` (no database).

For each area of the trend, as of its last day D: the pace is the people fully vaccinated gained
over the last PACE_DAYS days, per day; its variation is the pace of each of the two weeks of
that window (the slower and the faster), which gives the range. A target share t of the
group's population P (the population of D's year) is reached once people fully vaccinated reach
t x P: after ceil((t x P - people on D) / pace) more days. When the pace is zero (or the
people fell), or so slow that the target is more than HORIZON_DAYS away, the target is "not at
this pace"; when the slower week's pace is that slow, the range has no end. A target already
reached gives the first day of the trend it was reached on.
"""

from __future__ import annotations

import math
from datetime import timedelta

import numpy as np
import pandas as pd

TARGETS = (0.7, 0.9)
PACE_DAYS = 14
HORIZON_DAYS = 3650  # ten years: further than any campaign plans
MEASURE = "people_full"
REACHED, PROJECTED, NOT_AT_THIS_PACE = "reached", "projected", "not_at_this_pace"
COLUMNS = [
    "area_code", "target", "as_of", "people", "population", "pace", "pace_low", "pace_high",
    "status", "date", "date_earliest", "date_latest",
]  # fmt: skip


def _days_to(remaining: float, pace: float) -> int | None:
    if pace <= 0 or remaining / pace > HORIZON_DAYS:
        return None
    return max(0, math.ceil(remaining / pace - 1e-9))


def _area(rows: pd.DataFrame, targets, days: int) -> list[dict]:
    rows = rows.sort_values("date", kind="stable")
    dates = rows["date"].to_numpy()
    people = rows[MEASURE].to_numpy(dtype="float64")
    end = rows["date"].iloc[-1]

    def on(day: pd.Timestamp) -> float:
        """People as of `day` (0 before the trend starts: nobody yet)."""
        n = int(np.searchsorted(dates, day.to_datetime64(), side="right"))
        return float(people[n - 1]) if n else 0.0

    now = on(end)
    half = days // 2
    pace = (now - on(end - timedelta(days=days))) / days
    weeks = [
        (now - on(end - timedelta(days=half))) / half,
        (on(end - timedelta(days=half)) - on(end - timedelta(days=days))) / (days - half),
    ]
    low, high = min(weeks), max(weeks)
    population = float(rows["population"].iloc[-1]) if rows["population"].notna().any() else None
    out = []
    for target in targets:
        row = {
            "area_code": rows["area_code"].iloc[0], "target": target, "as_of": end,
            "people": now, "population": population, "pace": pace, "pace_low": low,
            "pace_high": high, "status": NOT_AT_THIS_PACE, "date": pd.NaT,
            "date_earliest": pd.NaT, "date_latest": pd.NaT,
        }  # fmt: skip
        if population is None or population <= 0:
            row["status"] = None
            out.append(row)
            continue
        goal = target * population
        if now >= goal:
            share = rows[MEASURE].astype("float64") / rows["population"].astype("float64")
            first = rows.loc[share >= target, "date"].min()
            row.update(status=REACHED, date=first, date_earliest=first, date_latest=first)
            out.append(row)
            continue
        remaining = goal - now
        steps = _days_to(remaining, pace)
        if steps is not None:
            row.update(status=PROJECTED, date=end + timedelta(days=steps))
            fast, slow = _days_to(remaining, high), _days_to(remaining, low)
            row["date_earliest"] = end + timedelta(days=fast) if fast is not None else pd.NaT
            row["date_latest"] = end + timedelta(days=slow) if slow is not None else pd.NaT
        out.append(row)
    return out


def projections(
    trend: pd.DataFrame, targets: tuple[float, ...] = TARGETS, days: int = PACE_DAYS
) -> pd.DataFrame:
    """One row per area of `trend` (columns date, area_code, people_full, population) and
    target: area_code, target, as_of, people, population, pace (people a day over the last
    `days` days), pace_low and pace_high (the slower and faster of its two halves), status
    (reached, projected, not_at_this_pace; None without a population), date (the day the
    target is reached at the pace, or was first reached), date_earliest and date_latest (at
    the faster and slower pace; NaT when never)."""
    if trend.empty:
        return pd.DataFrame(columns=COLUMNS)
    frame = trend.assign(date=pd.to_datetime(trend["date"]).dt.normalize())
    rows = []
    for _, area in frame.groupby("area_code", sort=False):
        rows.extend(_area(area, targets, days))
    out = pd.DataFrame(rows, columns=COLUMNS)
    for col in ("date", "date_earliest", "date_latest", "as_of"):
        out[col] = pd.to_datetime(out[col])
    return out


__all__ = ["COLUMNS", "NOT_AT_THIS_PACE", "PACE_DAYS", "PROJECTED", "REACHED", "TARGETS",
           "projections"]  # fmt: skip
