"""Every read the dashboard and the export make goes through here, with the user's allowed
scope (`Allowed`): a scoped query runs only for a scope inside it, and an unscoped one only when
it is listed below, for whom it is listed, with its rows cut to the allowed area. A request
outside the allowed scope raises `ScopeRefused` (a clear message, logged); nothing is read.

A district user sees province-wide figures only as `province_context`: the province's totals
and the district's rank among the districts, never another district's row.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import pandas as pd
import sqlalchemy as sa

from queries import audit, dimensions, due, freshness, overview, quality
from queries.scope import Allowed, Period, Scope, ScopeRefused, check_allowed

R = TypeVar("R")
log = logging.getLogger("queries.access")


class QueryRefused(ScopeRefused):
    """An unscoped read that the user's allowed scope does not permit."""

    def __init__(self, allowed: Allowed, name: str) -> None:
        ValueError.__init__(self, f"refused: {name} is for province users only")
        self.allowed = allowed
        self.scope = Scope.province()


def _areas(conn: sa.Connection, allowed: Allowed) -> pd.DataFrame:
    df = dimensions.areas(conn)
    if allowed.is_province:
        return df
    keep = (
        (df["area_level"] == "province")
        | (df["area_code"] == allowed.code)
        | ((df["area_level"] == "commune") & (df["parent_code"] == allowed.code))
    )
    return df[keep].reset_index(drop=True)


def _facilities(conn: sa.Connection, allowed: Allowed) -> pd.DataFrame:
    df = dimensions.facilities(conn)
    if allowed.is_province:
        return df
    return df[df["district_code"] == allowed.code].reset_index(drop=True)


def _population(conn: sa.Connection, allowed: Allowed) -> pd.DataFrame:
    df = dimensions.population(conn)
    if allowed.is_province:
        return df
    codes = set(_areas(conn, allowed)["area_code"])
    return df[df["area_code"].isin(codes)].reset_index(drop=True)


# Unscoped reads: for everyone (cut to the allowed area where they list areas), or for the
# province only. Anything not listed is refused.
_CUT: dict[Callable, Callable] = {
    dimensions.areas: _areas,
    dimensions.facilities: _facilities,
    dimensions.population: _population,
}
_FOR_EVERYONE = frozenset({freshness.freshness, dimensions.vaccines, due.vaccine_names})
_PROVINCE_ONLY = frozenset(
    {quality.etl_runs, quality.reject_summary, quality.reject_rows, audit.events}
)


def _name(query: Callable) -> str:
    return f"{query.__module__}.{query.__qualname__}"


def read(
    conn: sa.Connection, allowed: Allowed, query: Callable[..., R], scope: Scope, period: Period,
    *extra,
) -> R:  # fmt: skip
    """`query(conn, scope, period, *extra)` when `scope` lies inside `allowed`."""
    check_allowed(conn, allowed, scope)
    return query(conn, scope, period, *extra)


def check(conn: sa.Connection, allowed: Allowed, scope: Scope) -> None:
    """Raise `ScopeRefused` (logged) unless `scope` lies inside `allowed`."""
    check_allowed(conn, allowed, scope)


def read_checked(
    conn: sa.Connection, query: Callable[..., R], scope: Scope, period: Period, *extra
) -> R:
    """`query(conn, scope, period, *extra)` for a scope that `check` has let through: what a
    scoped query returns depends on the scope, never on who asks, so users whose allowed areas
    both hold the scope can share its result."""
    return query(conn, scope, period, *extra)


def read_plain(conn: sa.Connection, allowed: Allowed, query: Callable[..., R], *args) -> R:
    """An unscoped `query(conn, *args)`, if `allowed` may run it, its rows cut to the area."""
    if query in _CUT:
        return _CUT[query](conn, allowed, *args)
    if query in _FOR_EVERYONE or (query in _PROVINCE_ONLY and allowed.is_province):
        return query(conn, *args)
    refused = QueryRefused(allowed, _name(query))
    log.warning("%s (allowed scope %s)", refused, allowed.code)
    raise refused


@dataclass(frozen=True)
class ProvinceContext:
    """What a district user may know of the province: totals and the district's rank."""

    districts: int
    rank_coverage: int | None  # 1 = highest coverage of the measure among the districts
    rank_doses: int | None  # 1 = most doses in the period
    province_coverage: float | None
    province_doses: int


def province_context(
    conn: sa.Connection, allowed: Allowed, period: Period, group: str, measure: str
) -> ProvinceContext | None:
    """The province's coverage (of `measure`, of the target `group`, at the end of the period) and
    doses in the period, and the allowed district's rank on each; None for a province user (who
    sees the districts themselves)."""
    if allowed.is_province:
        return None
    df = overview.ranking(conn, Scope.province(), period, group)
    column = f"coverage_{measure}"
    people = df[f"people_{measure}"].sum()
    population = df["population"].sum()
    mine = df["area_code"] == allowed.code

    def rank(values: pd.Series) -> int | None:
        if not mine.any() or pd.isna(values[mine].iloc[0]):
            return None
        return int(values.rank(ascending=False, method="min")[mine].iloc[0])

    return ProvinceContext(
        districts=len(df),
        rank_coverage=rank(df[column]),
        rank_doses=rank(df["doses"].astype("float64")),
        province_coverage=float(people / population) if population else None,
        province_doses=int(df["doses"].sum()),
    )
