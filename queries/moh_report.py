"""The numbers of the Ministry of Health's daily vaccination report (Phụ lục 5 of Quyết định
3588/QĐ-BYT, with the dose categories of Quyết định 43/QĐ-BYT of 2022) for one day and a scope:
one row per vaccination site that worked that day, and the totals per district.

Every count follows METRICS.md and is read from the marts:
- people that day, referred, deferred, contraindicated, common reactions and serious reactions
  from mart_session_day (the site's session);
- doses injected by category (primary series dose 1, 2, 3 and later, additional dose, booster)
  from mart_dose_day;
- doses used and doses discarded from the site's own store's ledger (mart_stock_day:
  `administered` and `wasted`).
The platform records no refusals and no campaign round: those columns stay empty (None).
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import sqlalchemy as sa

from queries.scope import Scope

COUNTS = [
    "checked_in", "referred", "refused", "deferred", "contraindicated",
    "primary_1", "primary_2", "primary_3", "additional", "booster", "doses",
    "used", "wasted", "reactions_mild", "reactions_serious",
]  # fmt: skip
NOT_RECORDED = ("refused",)  # the platform has no such record: left empty, never 0
COLUMNS = [
    "district_code", "district_name", "facility_id", "facility_name", "commune_name",
    "vaccines", *COUNTS,
]  # fmt: skip


def _read(conn: sa.Connection, sql: str, params: dict) -> pd.DataFrame:
    return pd.read_sql_query(sa.text(sql), conn, params=params)


def facility_rows(conn: sa.Connection, scope: Scope, day: date) -> pd.DataFrame:
    """One row per site of `scope` with a session, doses or stock used or discarded on `day`,
    ordered by district, commune and site name; counts as in the module docstring."""
    where, params = scope.facility_filter("f")
    params = {**params, "day": day}
    sessions = _read(
        conn,
        f"""
        SELECT m.facility_id, m.checked_in, m.referred, m.deferred, m.contraindicated,
               m.reactions_mild, m.reactions_serious
        FROM mart_session_day m JOIN facility f ON f.facility_id = m.facility_id
        WHERE m.date = :day AND {where}
        """,
        params,
    )
    doses = _read(
        conn,
        f"""
        SELECT m.facility_id, m.vaccine_code, m.dose_number, m.dose_kind, SUM(m.doses) AS doses
        FROM mart_dose_day m JOIN facility f ON f.facility_id = m.facility_id
        WHERE m.date = :day AND {where}
        GROUP BY m.facility_id, m.vaccine_code, m.dose_number, m.dose_kind
        """,
        params,
    )
    ledger = _read(
        conn,
        f"""
        SELECT s.facility_id, SUM(m.administered) AS used, SUM(m.wasted) AS wasted
        FROM mart_stock_day m
        JOIN store s ON s.store_id = m.store_id
        JOIN facility f ON f.facility_id = s.facility_id
        WHERE m.date = :day AND {where}
        GROUP BY s.facility_id
        HAVING SUM(m.administered) <> 0 OR SUM(m.wasted) <> 0
        """,
        params,
    )
    sites = set(sessions["facility_id"]) | set(doses["facility_id"]) | set(ledger["facility_id"])
    if not sites:
        return pd.DataFrame(columns=COLUMNS)
    names = _read(
        conn,
        f"""
        SELECT f.facility_id, f.name AS facility_name, f.district_code,
               d.name AS district_name, c.name AS commune_name
        FROM facility f
        LEFT JOIN area d ON d.area_code = f.district_code
        LEFT JOIN area c ON c.area_code = f.commune_code
        WHERE {where}
        """,
        scope.facility_filter("f")[1],
    )
    out = names[names["facility_id"].isin(sites)].set_index("facility_id")
    out = out.join(sessions.set_index("facility_id"))
    out = out.join(_dose_columns(doses))
    out = out.join(ledger.set_index("facility_id"))
    out["vaccines"] = _vaccine_names(conn, doses).reindex(out.index)
    for column in COUNTS:
        if column in NOT_RECORDED:
            out[column] = pd.Series(pd.NA, index=out.index, dtype="Int64")
        elif column not in out:
            out[column] = 0
        else:
            out[column] = pd.to_numeric(out[column], errors="coerce").fillna(0).astype("int64")
    out = out.reset_index()
    out = out.sort_values(["district_code", "commune_name", "facility_name", "facility_id"])
    return out[COLUMNS].reset_index(drop=True)


def _dose_columns(doses: pd.DataFrame) -> pd.DataFrame:
    """Doses per site by the report's categories: primary dose 1, 2, and 3 or later (a later
    primary dose, rare, is counted with dose 3 rather than dropped), additional, booster."""
    if doses.empty:
        return pd.DataFrame(columns=["primary_1", "primary_2", "primary_3", "additional",
                                     "booster", "doses"])  # fmt: skip
    kind = doses["dose_kind"].fillna("primary")
    number = pd.to_numeric(doses["dose_number"], errors="coerce").fillna(1).astype(int)
    category = pd.Series("primary_3", index=doses.index)
    category[(kind == "primary") & (number <= 1)] = "primary_1"
    category[(kind == "primary") & (number == 2)] = "primary_2"
    category[kind == "additional"] = "additional"
    category[kind == "booster"] = "booster"
    wide = doses.assign(category=category).pivot_table(
        index="facility_id", columns="category", values="doses", aggfunc="sum", fill_value=0
    )
    wide["doses"] = wide.sum(axis=1)
    return wide


def _vaccine_names(conn: sa.Connection, doses: pd.DataFrame) -> pd.Series:
    """The vaccines a site injected that day, by name, in name order ("AstraZeneca, Pfizer")."""
    if doses.empty:
        return pd.Series(dtype="object")
    names = _read(conn, "SELECT vaccine_code, name FROM vaccine", {})
    lookup = dict(zip(names["vaccine_code"], names["name"].fillna(names["vaccine_code"]),
                      strict=True))  # fmt: skip
    used = doses[doses["doses"] > 0]
    return used.groupby("facility_id")["vaccine_code"].agg(
        lambda codes: ", ".join(sorted({str(lookup.get(c) or c) for c in codes}))
    )


def district_totals(rows: pd.DataFrame) -> pd.DataFrame:
    """The sites' counts summed per district (a column the platform does not record stays
    empty), in district order."""
    if rows.empty:
        return pd.DataFrame(columns=["district_code", "district_name", "sites", *COUNTS])
    grouped = rows.groupby(["district_code", "district_name"], dropna=False, sort=True)
    totals = grouped[[c for c in COUNTS if c not in NOT_RECORDED]].sum().reset_index()
    totals.insert(2, "sites", grouped.size().to_numpy())
    for column in NOT_RECORDED:
        totals[column] = pd.Series(pd.NA, index=totals.index, dtype="Int64")
    return totals[["district_code", "district_name", "sites", *COUNTS]]


def campaign_start(conn: sa.Connection, scope: Scope) -> date | None:
    """The first day a site of the scope held a session ("Thời gian bắt đầu triển khai")."""
    where, params = scope.facility_filter("f")
    first = conn.execute(
        sa.text(
            f"SELECT MIN(m.date) FROM mart_session_day m "
            f"JOIN facility f ON f.facility_id = m.facility_id WHERE {where}"
        ),
        params,
    ).scalar()
    return None if first is None else pd.Timestamp(first).date()


def scope_name(conn: sa.Connection, scope: Scope) -> str:
    """The reporting unit's name: the area's or the site's, else its code."""
    if scope.level == "facility":
        sql = "SELECT name FROM facility WHERE facility_id = :c"
    else:
        sql = "SELECT name FROM area WHERE area_code = :c"
    name = conn.execute(sa.text(sql), {"c": scope.code}).scalar()
    return str(name or scope.code)
