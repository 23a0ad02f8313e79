"""The numbers of the weekly summary (Tóm tắt tuần): one `Fact` per sentence, each naming the
query functions its numbers come from, so that every sentence can be traced to a query.

`build` is a pure function of the frames the existing queries return (the overview reads them
through its cache and passes them in); `gather` reads them itself, for callers without a cache
(a briefing deck, the command line). The sentences are written by `dashboard.summary_text`.

Facts, for a scope and a period [start, end] (the view's period; "previous" is the period of
the same length just before it, as in `queries.overview.kpi_windows`):
- doses: doses administered in the period and the previous one, approved planned doses and plan
  achievement (`queries.overview.kpis`);
- coverage: people with >= 1 dose and fully vaccinated at the end of the period, coverage over
  the 18+ population and its change since the end of the previous period, in ratio points
  (`queries.overview.kpis`, the coverage the overview's cards show);
- areas: the areas one level down (districts, or the communes of a district) furthest behind
  their plan (plan achievement < 1, lowest first) and furthest ahead (>= 1, highest first), at
  most `AREAS_NAMED` each; areas without a plan are left out (`queries.overview.ranking`);
- stockouts: the sites' vaccine stocks that run out within the decision threshold
  (`queries.decisions.stockouts`), the soonest named;
- expiry: doses, lots and stores of expired lots still on hand and of lots expiring within
  `expiry.near_days` (`queries.expiry.lots` and `queries.expiry.summary`);
- backlog: certificate backlog at the end of the period and of the previous one
  (`queries.overview.kpis`), areas past the decision threshold
  (`queries.decisions.certificate_backlogs`);
- aefi: serious adverse events (by onset day) in the period and the previous one
  (`queries.overview.kpis`);
- due: people due and overdue for their next dose at the period's end, by the dose waited for
  (`queries.due.due_counts`); left out when the intervals file cannot be read;
- decisions: the items of "Cần quyết định" (`queries.decisions.stockouts`, `lots_to_move`,
  `certificate_backlogs`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
import sqlalchemy as sa

from queries import decisions, due, expiry, overview
from queries.alerts import Thresholds
from queries.groups import DEFAULT_GROUP
from queries.scope import Period, Scope

AREAS_NAMED = 3
DENOMINATOR = DEFAULT_GROUP  # the target group of the coverage sentence
KEYS = (
    "doses", "coverage", "areas", "stockouts", "expiry", "backlog", "aefi", "due", "decisions",
)  # fmt: skip
SOURCES = {
    "kpis": "queries.overview.kpis",
    "ranking": "queries.overview.ranking",
    "stockouts": "queries.decisions.stockouts",
    "lots_to_move": "queries.decisions.lots_to_move",
    "backlogs": "queries.decisions.certificate_backlogs",
    "expiry": "queries.expiry.lots",
    "due": "queries.due.due_counts",
}


@dataclass(frozen=True)
class Fact:
    """The numbers of one sentence (`key` one of KEYS) and the queries they come from."""

    key: str
    values: dict = field(default_factory=dict)
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class Inputs:
    """What the queries return for the view; `due` None when the intervals cannot be read."""

    period: Period
    previous: Period
    kpis: pd.DataFrame
    ranking: pd.DataFrame
    ranking_level: str
    stockouts: pd.DataFrame
    lots: pd.DataFrame
    moves: pd.DataFrame
    backlogs: pd.DataFrame
    due: pd.DataFrame | None
    thresholds: Thresholds


def _int(value) -> int:
    return 0 if pd.isna(value) else int(value)


def _float(value) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def _doses(k: pd.DataFrame, inputs: Inputs) -> Fact:
    cur, prev = k.loc["current"], k.loc["previous"]
    values = {
        "start": inputs.period.start,
        "end": inputs.period.end,
        "days": (inputs.period.end - inputs.period.start).days + 1,
        "doses": _int(cur["doses"]),
        "previous": _int(prev["doses"]),
        "planned": _int(cur["planned"]),
        "plan_achievement": _float(cur["plan_achievement"]),
    }
    values["change"] = (
        values["doses"] / values["previous"] - 1 if values["previous"] else None
    )  # relative change; None when the previous period had no dose
    return Fact("doses", values, (SOURCES["kpis"],))


def _coverage(k: pd.DataFrame, inputs: Inputs) -> Fact:
    cur, prev = k.loc["current"], k.loc["previous"]
    values = {"end": inputs.period.end, "denominator": DENOMINATOR}
    for m in ("1plus", "full"):
        now, before = _float(cur[f"coverage_{m}"]), _float(prev[f"coverage_{m}"])
        values[f"people_{m}"] = _int(cur[f"people_{m}"])
        values[f"coverage_{m}"] = now
        values[f"change_{m}"] = None if now is None or before is None else now - before
    return Fact("coverage", values, (SOURCES["kpis"],))


def _areas(inputs: Inputs) -> Fact:
    df = inputs.ranking
    planned = df[(df["planned"] > 0) & df["plan_achievement"].notna()]
    behind = planned[planned["plan_achievement"] < 1].sort_values(["plan_achievement", "area_code"])
    ahead = planned[planned["plan_achievement"] >= 1].sort_values(
        ["plan_achievement", "area_code"], ascending=[False, True]
    )

    def named(part: pd.DataFrame) -> list[tuple[str, float]]:
        return [
            (str(r.name), float(r.plan_achievement))
            for r in part.head(AREAS_NAMED).itertuples(index=False)
        ]

    values = {
        "level": inputs.ranking_level,
        "with_plan": len(planned),
        "behind_count": len(behind),
        "ahead_count": len(ahead),
        "behind": named(behind),
        "ahead": named(ahead),
    }
    return Fact("areas", values, (SOURCES["ranking"],))


def _stockouts(inputs: Inputs) -> Fact:
    df = inputs.stockouts
    values = {
        "within": inputs.thresholds.stockout_within_days,
        "stocks": len(df),
        "sites": int(df["facility_id"].nunique()) if len(df) else 0,
        "first": None,
    }
    if len(df):
        row = df.iloc[0]
        values["first"] = {
            "site": str(row["store_name"]),
            "vaccine": str(row["vaccine_code"]),
            "days_left": float(row["days_left"]),
            "available": float(row["available"]),
        }
    return Fact("stockouts", values, (SOURCES["stockouts"],))


def _expiry(inputs: Inputs) -> Fact:
    summary = expiry.summary(inputs.lots).set_index("state")
    values = {"near_days": inputs.thresholds.near_expiry_days}
    for state in ("expired", "near"):
        for column in ("doses", "lots", "stores"):
            values[f"{state}_{column}"] = int(summary.loc[state, column])
    return Fact("expiry", values, (SOURCES["expiry"],))


def _backlog(k: pd.DataFrame, inputs: Inputs) -> Fact:
    values = {
        "backlog": _int(k.loc["current", "backlog"]),
        "previous": _int(k.loc["previous", "backlog"]),
        "areas": len(inputs.backlogs),
        "days": inputs.thresholds.backlog_decision_days,
    }
    return Fact("backlog", values, (SOURCES["kpis"], SOURCES["backlogs"]))


def _aefi(k: pd.DataFrame) -> Fact:
    values = {
        "serious": _int(k.loc["current", "aefi_serious"]),
        "previous": _int(k.loc["previous", "aefi_serious"]),
    }
    return Fact("aefi", values, (SOURCES["kpis"],))


def _due(inputs: Inputs) -> Fact | None:
    if inputs.due is None:
        return None
    df = inputs.due
    values = {"end": inputs.period.end}
    for column in ("due", "overdue"):
        values[column] = int(df[column].sum()) if len(df) else 0
    for kind in due.KINDS:
        part = df[df["next_kind"] == kind] if len(df) else df
        values[kind] = int((part["due"] + part["overdue"]).sum()) if len(part) else 0
    return Fact("due", values, (SOURCES["due"],))


def _decisions(inputs: Inputs) -> Fact:
    moves = inputs.moves
    values = {
        "stockouts": len(inputs.stockouts),
        "moves": len(moves),
        "move_doses": int(moves["can_use"].sum()) if len(moves) else 0,
        "backlogs": len(inputs.backlogs),
    }
    values["total"] = values["stockouts"] + values["moves"] + values["backlogs"]
    sources = (SOURCES["stockouts"], SOURCES["lots_to_move"], SOURCES["backlogs"])
    return Fact("decisions", values, sources)


def build(inputs: Inputs) -> list[Fact]:
    """The facts of the summary, in the order the sentences are read (see the module)."""
    k = inputs.kpis.set_index("window")
    facts = [
        _doses(k, inputs),
        _coverage(k, inputs),
        _areas(inputs),
        _stockouts(inputs),
        _expiry(inputs),
        _backlog(k, inputs),
        _aefi(k),
        _due(inputs),
        _decisions(inputs),
    ]
    return [f for f in facts if f is not None]


def gather(
    conn: sa.Connection, scope: Scope, period: Period, t: Thresholds | None = None
) -> list[Fact]:
    """`build` over the queries read on `conn` (the intervals file in use; no due sentence
    when it cannot be read)."""
    t = t or Thresholds()
    try:
        due_df = due.due_counts(conn, scope, period.end)
    except due.DoseIntervalsError:
        due_df = None
    windows = overview.kpi_windows(period)
    inputs = Inputs(
        period=period,
        previous=Period(windows[1][1], windows[1][2]),
        kpis=overview.kpis(conn, scope, period, DENOMINATOR),
        ranking=overview.ranking(conn, scope, period, DENOMINATOR),
        ranking_level=overview.ranking_level(scope),
        stockouts=decisions.stockouts(conn, scope, period, t),
        lots=expiry.lots(conn, scope, period, t),
        moves=decisions.lots_to_move(conn, scope, period, t),
        backlogs=decisions.certificate_backlogs(conn, scope, period, t),
        due=due_df,
        thresholds=t,
    )
    return build(inputs)
