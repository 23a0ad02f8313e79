"""Scopes (province, district, commune, facility) and periods."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

import pandas as pd
import sqlalchemy as sa

from warehouse import reference

LEVELS = ("province", "district", "commune", "facility")
log = logging.getLogger("queries.scope")


class ScopeError(ValueError):
    """An area or facility code the warehouse does not know."""


class ScopeRefused(ScopeError):
    """A request for an area or site outside what the user may see."""

    def __init__(self, allowed: Allowed, scope: Scope) -> None:
        super().__init__(
            f"refused: {scope.level} {scope.code} is outside the allowed scope "
            f"(district {allowed.code})"
        )
        self.allowed = allowed
        self.scope = scope


@dataclass(frozen=True)
class Scope:
    level: str
    code: str

    @classmethod
    def province(cls) -> Scope:
        return cls("province", reference.PROVINCE_CODE)

    @property
    def child_level(self) -> str | None:
        """The level one step down (the areas a ranking of this scope lists), None for a site."""
        index = LEVELS.index(self.level)
        return LEVELS[index + 1] if index + 1 < len(LEVELS) else None

    def facility_filter(self, alias: str = "f") -> tuple[str, dict]:
        """SQL condition on a joined `facility` row, and its parameters."""
        if self.level == "province":
            return "1 = 1", {}
        column = {"district": "district_code", "commune": "commune_code"}.get(
            self.level, "facility_id"
        )
        return f"{alias}.{column} = :scope_code", {"scope_code": self.code}

    def store_filter(self, alias: str = "s") -> tuple[str, dict]:
        """SQL condition on a `store` row: the stores that serve this scope."""
        if self.level == "province":
            return "1 = 1", {}
        column = {"district": "district_code", "commune": "area_code"}.get(
            self.level, "facility_id"
        )
        return f"{alias}.{column} = :scope_code", {"scope_code": self.code}


@dataclass(frozen=True)
class Allowed:
    """What a user may read: the whole province (`36`), or one district (its code) with its
    communes and sites. Every read takes one and refuses a scope outside it."""

    code: str

    @classmethod
    def province(cls) -> Allowed:
        return cls(reference.PROVINCE_CODE)

    @property
    def is_province(self) -> bool:
        return self.code == reference.PROVINCE_CODE

    def default_scope(self) -> Scope:
        return Scope.province() if self.is_province else Scope("district", self.code)


def district_of(conn: sa.Connection, scope: Scope) -> str | None:
    """The district a scope lies in (None for the province or an unknown code)."""
    if scope.level == "province":
        return None
    if scope.level == "district":
        return scope.code
    if scope.level == "commune":
        sql = "SELECT parent_code FROM area WHERE area_code = :c AND area_level = 'commune'"
    else:
        sql = "SELECT district_code FROM facility WHERE facility_id = :c"
    return conn.execute(sa.text(sql), {"c": scope.code}).scalar()


def check_allowed(conn: sa.Connection, allowed: Allowed, scope: Scope) -> None:
    """Raise (and log) ScopeRefused unless `scope` lies inside `allowed`."""
    if allowed.is_province:
        return
    if scope.level in LEVELS and district_of(conn, scope) == allowed.code:
        return
    refused = ScopeRefused(allowed, scope)
    log.warning("%s", refused)
    raise refused


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"the period ends ({self.end}) before it starts ({self.start})")

    @property
    def days(self) -> pd.DatetimeIndex:
        return pd.date_range(self.start, self.end, freq="D")

    def params(self) -> dict:
        return {"start": self.start, "end": self.end}


def unknown_scope(code: str) -> ScopeError:
    return ScopeError(
        f"unknown scope {code!r}: use 36 (the province), a district code (e.g. 356), "
        "a commune code (5 digits) or a facility id"
    )


def resolve_scope(conn: sa.Connection, code: str | None) -> Scope:
    """The scope a code names: `36` the province, 3 digits a district, 5 a commune, else a site."""
    if code is None or code == "" or code == reference.PROVINCE_CODE:
        return Scope.province()
    code = code.strip()
    row = conn.execute(
        sa.text("SELECT area_level FROM area WHERE area_code = :c"), {"c": code}
    ).first()
    if row is not None:
        return Scope(row[0], code)
    found = conn.execute(
        sa.text("SELECT 1 FROM facility WHERE facility_id = :c"), {"c": code}
    ).first()
    if found is not None:
        return Scope("facility", code)
    raise unknown_scope(code)


def scope_of(code: str | None, areas: pd.DataFrame, facilities: pd.DataFrame) -> Scope:
    """The scope a code names, looked up in the reference frames already read (no SQL): the
    same answer as `resolve_scope`, for callers that hold `dimensions.areas` and
    `dimensions.facilities`."""
    if code is None or code == "" or code == reference.PROVINCE_CODE:
        return Scope.province()
    code = code.strip()
    found = areas.loc[areas["area_code"] == code, "area_level"]
    if len(found):
        return Scope(str(found.iloc[0]), code)
    if (facilities["facility_id"] == code).any():
        return Scope("facility", code)
    raise unknown_scope(code)


def data_bounds(conn: sa.Connection) -> Period | None:
    """The default export period: the first session day to the last day with any activity
    (sessions, certificates, AEFI onsets, stock movements or reports)."""
    first = conn.execute(sa.text("SELECT MIN(date) FROM mart_session_day")).scalar()
    if first is None:
        return None
    lasts = [
        conn.execute(sa.text(f"SELECT MAX(date) FROM {mart}")).scalar()
        for mart in ("mart_session_day", "mart_certificate_day", "mart_aefi_day", "mart_stock_day")
    ]
    last = max(pd.Timestamp(d) for d in lasts if d is not None)
    return Period(pd.Timestamp(first).date(), last.date())
