"""The table of projected dates for coverage targets (`queries.projections`), as the coverage
page shows it. A pure function of the projections, the areas' names and the labels."""

from __future__ import annotations

import pandas as pd

from dashboard import format as fmt
from queries.projections import NOT_AT_THIS_PACE, PROJECTED, REACHED


def _when(row: pd.Series, lang: str, labels: dict) -> str:
    if row["status"] == REACHED:
        return labels["reached"].format(day=fmt.day(row["date"]))
    if row["status"] == PROJECTED:
        return fmt.day(row["date"])
    if row["status"] == NOT_AT_THIS_PACE:
        return labels["never"]
    return fmt.MISSING


def _range(row: pd.Series, labels: dict) -> str:
    if row["status"] != PROJECTED:
        return ""
    earliest = fmt.day(row["date_earliest"])
    latest = labels["never"] if pd.isna(row["date_latest"]) else fmt.day(row["date_latest"])
    return earliest if earliest == latest else f"{earliest} – {latest}"


def projection_table(
    projections: pd.DataFrame, names: dict[str, str], lang: str, labels: dict
) -> pd.DataFrame:
    """One row per area (in the given order of `names`) and target: area, target, the day
    (reached on, projected, or "not at this pace"), its range, and the pace a day.
    `labels`: area, target, date, range, pace, reached ("... {day}"), never."""
    rows = projections[projections["area_code"].isin(names)].copy()
    order = {code: i for i, code in enumerate(names)}
    rows = rows.assign(_o=rows["area_code"].map(order)).sort_values(["_o", "target"])
    return pd.DataFrame(
        {
            labels["area"]: [names[c] for c in rows["area_code"]],
            labels["target"]: [fmt.percent(t, lang, 0) for t in rows["target"]],
            labels["date"]: [_when(r, lang, labels) for _, r in rows.iterrows()],
            labels["range"]: [_range(r, labels) for _, r in rows.iterrows()],
            labels["pace"]: [fmt.number(p, lang, 0) for p in rows["pace"]],
        }
    )
