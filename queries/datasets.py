"""The exported datasets (METRICS.md), computed from the marts for a scope and a period."""

from __future__ import annotations

import numpy as np
import pandas as pd
import sqlalchemy as sa

from queries import due as due_queries
from queries import groups
from queries.scope import Period, Scope

SESSION_COUNTS = [
    "checked_in", "screened", "eligible", "deferred", "contraindicated", "referred", "doses",
]  # fmt: skip
STOCK_FLOWS = ["received", "issued_out", "administered", "wasted", "adjustment"]

COLUMNS = {
    "sessions": ["facility_id", "date", *SESSION_COUNTS],
    "doses": ["facility_id", "date", "vaccine_code", "dose_number", "dose_kind", "doses"],
    "coverage": [
        "area_code", "area_level", "date", "target_group", "people_1plus", "people_full",
        "people_boosted", "population",
    ],
    "stock": [
        "store_id", "vaccine_code", "date", *STOCK_FLOWS, "on_hand", "declared_remaining",
    ],
    "certificates": ["facility_id", "date", "issued", "backlog"],
    "aefi": ["facility_id", "date", "severity", "reports"],
    "due": ["date", *due_queries.COLUMNS],
}  # fmt: skip


def _read(conn: sa.Connection, sql: str, params: dict) -> pd.DataFrame:
    return pd.read_sql_query(sa.text(sql), conn, params=params)


def _dates(s: pd.Series) -> pd.Series:
    return pd.to_datetime(s).dt.normalize()


def _facility_mart(
    conn: sa.Connection, mart: str, columns: str, scope: Scope, period: Period
) -> pd.DataFrame:
    where, params = scope.facility_filter("f")
    return _read(
        conn,
        f"SELECT {columns} FROM {mart} m JOIN facility f ON f.facility_id = m.facility_id "
        f"WHERE {where} AND m.date BETWEEN :start AND :end",
        {**params, **period.params()},
    )


def sessions(conn: sa.Connection, scope: Scope, period: Period) -> pd.DataFrame:
    """The four steps per facility and day: check-ins, screening outcomes and doses."""
    cols = ", ".join(f"m.{c}" for c in ["facility_id", "date", *SESSION_COUNTS])
    df = _facility_mart(conn, "mart_session_day", cols, scope, period)
    df["date"] = _dates(df["date"])
    df[SESSION_COUNTS] = df[SESSION_COUNTS].astype("int64")
    return df.sort_values(["facility_id", "date"]).reset_index(drop=True)[COLUMNS["sessions"]]


def doses(conn: sa.Connection, scope: Scope, period: Period) -> pd.DataFrame:
    """Doses administered per facility, day, vaccine, dose number and dose kind."""
    cols = "m.facility_id, m.date, m.vaccine_code, m.dose_number, m.dose_kind, m.doses"
    df = _facility_mart(conn, "mart_dose_day", cols, scope, period)
    df["date"] = _dates(df["date"])
    df[["dose_number", "doses"]] = df[["dose_number", "doses"]].astype("int64")
    keys = ["facility_id", "date", "vaccine_code", "dose_number", "dose_kind"]
    return df.sort_values(keys).reset_index(drop=True)[COLUMNS["doses"]]


def aefi(conn: sa.Connection, scope: Scope, period: Period) -> pd.DataFrame:
    """AEFI reports (on active visits) per facility, onset day and severity."""
    df = _facility_mart(
        conn, "mart_aefi_day", "m.facility_id, m.date, m.severity, m.reports", scope, period
    )
    df["date"] = _dates(df["date"])
    df = df.groupby(["facility_id", "date", "severity"], as_index=False)["reports"].sum()
    df["reports"] = df["reports"].astype("int64")
    return df.sort_values(["facility_id", "date", "severity"]).reset_index(drop=True)


def certificates(conn: sa.Connection, scope: Scope, period: Period) -> pd.DataFrame:
    """Certificates issued per facility and day, and the backlog at the end of each day.

    backlog(D) = injections before D still without an unrevoked certificate at the end of D;
    the mart keeps daily entries into (backlog_in, on the injection day) and exits from
    (backlog_out, on the certificate day) the backlog, summed here from the beginning.
    """
    where, params = scope.facility_filter("f")
    df = _read(
        conn,
        "SELECT m.facility_id, m.date, m.issued, m.backlog_in, m.backlog_out "
        "FROM mart_certificate_day m JOIN facility f ON f.facility_id = m.facility_id "
        f"WHERE {where} AND m.date <= :end",
        {**params, "end": period.end},
    )
    if df.empty:
        return pd.DataFrame(columns=COLUMNS["certificates"])
    df["date"] = _dates(df["date"])
    start = min(df["date"].min(), pd.Timestamp(period.start))
    days = pd.date_range(start, period.end, freq="D")
    out = []
    for facility_id, g in df.groupby("facility_id", sort=True):
        g = g.set_index("date")[["issued", "backlog_in", "backlog_out"]]
        g = g.reindex(days, fill_value=0)
        came_in = g["backlog_in"].cumsum().shift(1, fill_value=0)
        backlog = came_in - g["backlog_out"].cumsum()
        out.append(
            pd.DataFrame(
                {
                    "facility_id": facility_id,
                    "date": days,
                    "issued": g["issued"].to_numpy(),
                    "backlog": backlog.to_numpy(),
                }
            )
        )
    res = pd.concat(out, ignore_index=True)
    res = res[
        (res["date"] >= pd.Timestamp(period.start)) & ((res["issued"] > 0) | (res["backlog"] > 0))
    ]
    res[["issued", "backlog"]] = res[["issued", "backlog"]].astype("int64")
    return res.reset_index(drop=True)[COLUMNS["certificates"]]


def scope_areas(conn: sa.Connection, scope: Scope) -> pd.DataFrame:
    """The areas (province, districts, communes) a scope covers for coverage figures."""
    areas = _read(conn, "SELECT area_code, area_level, parent_code, district_code FROM area", {})
    if scope.level == "province":
        return areas
    if scope.level == "district":
        return areas[areas["district_code"] == scope.code]
    if scope.level == "commune":
        return areas[areas["area_code"] == scope.code]
    commune = conn.execute(
        sa.text("SELECT commune_code FROM facility WHERE facility_id = :f"), {"f": scope.code}
    ).scalar()
    return areas[areas["area_code"] == commune]


def coverage(conn: sa.Connection, scope: Scope, period: Period) -> pd.DataFrame:
    """People with >= 1 dose, fully vaccinated and boosted, by residence and target group, as
    of each day.

    One row per area of the scope, day of the period and target group (cumulative counts of
    the group's people on that day), with the group's estimated population in the day's year
    (empty when unknown). People without a valid birth year are in `all` only.
    """
    areas = scope_areas(conn, scope)
    frames = []
    for level, key in (("province", None), ("district", "a.district_code"),
                       ("commune", "a.area_code")):  # fmt: skip
        codes = areas.loc[areas["area_level"] == level, "area_code"].tolist()
        if not codes:
            continue
        marks = ", ".join(f":a{i}" for i in range(len(codes)))
        column = "a.district_code" if level == "district" else "a.area_code"
        where = "1 = 1" if level == "province" else f"{column} IN ({marks})"
        params = {} if level == "province" else {f"a{i}": c for i, c in enumerate(codes)}
        people = groups.people(
            conn, where, params, key, groups.GROUPS, period.days, None if key is None else codes
        )
        if key is None:
            people["area_code"] = codes[0]
        frames.append(people.assign(area_level=level))
    if not frames:
        return pd.DataFrame(columns=COLUMNS["coverage"])
    out = groups.with_population(conn, pd.concat(frames, ignore_index=True))
    out["population"] = out["population"].round().astype("Int64")
    out["date"] = _dates(out["date"])
    for measure in groups.PEOPLE:
        out[measure] = out[measure].astype("int64")
    order = {"province": 0, "district": 1, "commune": 2}
    rank = {g: i for i, g in enumerate(groups.GROUPS)}
    out = out.sort_values(
        ["area_level", "area_code", "date", "target_group"],
        key=lambda s: (
            s.map(order)
            if s.name == "area_level"
            else (s.map(rank) if s.name == "target_group" else s)
        ),
    )
    return out.reset_index(drop=True)[COLUMNS["coverage"]]


def stock(conn: sa.Connection, scope: Scope, period: Period) -> pd.DataFrame:
    """Per store, vaccine and day: ledger flows, the computed on-hand balance and the site's
    declared remaining stock. Every day of the period from the first day the store holds or
    reports that vaccine."""
    where, params = scope.store_filter("s")
    df = _read(
        conn,
        "SELECT m.store_id, m.vaccine_code, m.date, m.received, m.issued_out, m.administered, "
        "m.wasted, m.adjustment, m.on_hand, m.declared_remaining FROM mart_stock_day m "
        f"JOIN store s ON s.store_id = m.store_id WHERE {where} AND m.date <= :end",
        {**params, "end": period.end},
    )
    if df.empty:
        return pd.DataFrame(columns=COLUMNS["stock"])
    df["date"] = _dates(df["date"])
    df = df.sort_values(["store_id", "vaccine_code", "date"])
    out = []
    end = pd.Timestamp(period.end)
    for (store_id, vaccine_code), g in df.groupby(["store_id", "vaccine_code"], sort=True):
        first = g["date"].iloc[0]
        days = pd.date_range(max(first, pd.Timestamp(period.start)), end, freq="D")
        if days.empty:
            continue
        g = g.set_index("date")
        full = g.reindex(pd.date_range(first, end, freq="D"))
        flows = full[STOCK_FLOWS].fillna(0).astype("int64")
        on_hand = full["on_hand"].ffill().astype("int64")
        part = flows.assign(on_hand=on_hand, declared_remaining=full["declared_remaining"])
        part = part.loc[days]
        part.insert(0, "date", days)
        part.insert(0, "vaccine_code", vaccine_code)
        part.insert(0, "store_id", store_id)
        out.append(part)
    if not out:
        return pd.DataFrame(columns=COLUMNS["stock"])
    res = pd.concat(out, ignore_index=True)
    res["declared_remaining"] = pd.to_numeric(res["declared_remaining"]).astype("Int64")
    return res[COLUMNS["stock"]]


def due(conn: sa.Connection, scope: Scope, period: Period) -> pd.DataFrame:
    """Who is due for their next dose at the end of the period (queries/due.py): per residence
    commune, vaccine of the last dose and dose waited for."""
    df = due_queries.due_counts(conn, scope, period.end)
    df.insert(0, "date", pd.Timestamp(period.end))
    return df[COLUMNS["due"]]


DATASETS = {
    "sessions": sessions,
    "doses": doses,
    "coverage": coverage,
    "stock": stock,
    "certificates": certificates,
    "aefi": aefi,
    "due": due,
}


def dataset(conn: sa.Connection, name: str, scope: Scope, period: Period) -> pd.DataFrame:
    """One export dataset by name."""
    return DATASETS[name](conn, scope, period)


def empty_like(name: str) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in COLUMNS[name]})


__all__ = ["COLUMNS", "DATASETS", "dataset", "empty_like", "np"]
