"""Weeks and periods: one week definition everywhere, the ISO week (Monday to Sunday).

A week is named by its ISO label, `2022-W25`; weekly series are bucketed on the same weeks and
labelled by their Monday. Pure functions, no database.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import pandas as pd

WEEK_DEFINITION = {
    "vi": "Tuần theo chuẩn ISO: từ thứ Hai đến Chủ nhật.",
    "en": "ISO weeks: Monday to Sunday.",
}
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


def week_start(label: str | None) -> date | None:
    """Monday of an ISO week label such as `2021-W37`; None when malformed."""
    m = _WEEK.match(label or "")
    if not m:
        return None
    try:
        return date.fromisocalendar(int(m.group(1)), int(m.group(2)), 1)
    except ValueError:
        return None


def week_label(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def monday(day: date) -> date:
    return day - timedelta(days=day.isoweekday() - 1)


def last_complete_week(as_of: date) -> str:
    """The latest ISO week whose Sunday is on or before `as_of`."""
    sunday = as_of - timedelta(days=(as_of.isoweekday() % 7))
    return week_label(sunday)


def complete_weeks(first: date, last: date) -> list[str]:
    """Labels of the ISO weeks that start on or after `first`'s Monday and end by `last`,
    newest first; the last complete week alone when there is none."""
    day = monday(first)
    weeks = []
    while day + timedelta(days=6) <= last:
        weeks.append(week_label(day))
        day += timedelta(days=7)
    return list(reversed(weeks)) or [last_complete_week(last)]


def previous(start: date, end: date) -> tuple[date, date]:
    """The period of the same length just before (for "compared with last week")."""
    length = (end - start).days + 1
    return start - timedelta(days=length), start - timedelta(days=1)


def weekly(df: pd.DataFrame, date_col: str, how: str | dict[str, str] = "sum") -> pd.DataFrame:
    """Rows bucketed by ISO week: `date_col` becomes the week's Monday; the other columns are
    aggregated by `how` (one function for all, or one per column: "sum", "last", "mean")."""
    if df.empty:
        return df.copy()
    days = pd.to_datetime(df[date_col])
    mondays = (days - pd.to_timedelta(days.dt.day_of_week, unit="D")).dt.normalize()
    values = df.drop(columns=[date_col])
    out = values.groupby(mondays.rename(date_col), sort=True).agg(how)
    return out.reset_index()


def trend_mondays(end: date, weeks: int) -> list[date]:
    """Mondays of the `weeks` ISO weeks ending with the week of `end`, oldest first."""
    last = monday(end)
    return [last - timedelta(weeks=weeks - 1 - i) for i in range(weeks)]


def weekly_trend(
    df: pd.DataFrame, date_col: str, end: date, weeks: int, how: str | dict[str, str] = "sum"
) -> pd.DataFrame:
    """Daily rows bucketed by `weekly` into the `weeks` ISO weeks ending with the week of `end`,
    oldest first, every week listed (0 where it has no row). Rows outside those weeks or after
    `end` are left out. Columns: week_start (the Monday), week_end (the Sunday, or `end` when the
    period stops inside its last week: the figures run to `end`), then the aggregated ones."""
    mondays = pd.DatetimeIndex(pd.to_datetime(trend_mondays(end, weeks)))
    days = pd.to_datetime(df[date_col])
    inside = df[(days >= mondays[0]) & (days <= pd.Timestamp(end))]
    values = [c for c in df.columns if c != date_col]
    if inside.empty:
        sums = pd.DataFrame(0, index=mondays, columns=values)
    else:
        sums = weekly(inside, date_col, how).set_index(date_col).reindex(mondays, fill_value=0)
    out = sums.rename_axis("week_start").reset_index()
    sundays = out["week_start"] + pd.Timedelta(days=6)
    out.insert(1, "week_end", sundays.where(sundays <= pd.Timestamp(end), pd.Timestamp(end)))
    out["week_start"] = out["week_start"].dt.date
    out["week_end"] = out["week_end"].dt.date
    return out


def week_ends(days: pd.Series, *, first: bool = False) -> pd.Series:
    """True for the days that close an ISO week (Sundays) and for the last day of `days`
    (and its first day with `first=True`): a daily series thinned to one point a week that
    still ends on its last day."""
    days = pd.to_datetime(days)
    keep = (days.dt.day_of_week == 6) | (days == days.max())
    return keep | (days == days.min()) if first else keep
