"""Vaccination certificates (METRICS.md "Certificates"): issued against doses administered, the
backlog by area and site and its change week to week, and the lag from injection to certificate.
Read from mart_certificate_day and mart_dose_day.

backlog(D) = sum of backlog_in over days < D - sum of backlog_out over days <= D;
mean certificate lag = sum of (issued_at - injected_at) / certificates, in hours.
"""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pandas as pd
import sqlalchemy as sa

from queries.scope import Period, Scope

TREND_WEEKS = 12
TOTAL_COLUMNS = ["issued", "doses", "backlog", "backlog_before", "backlog_change", "lag_hours"]
AREA_COLUMNS = ["area_code", "level", "name", "district_name", *TOTAL_COLUMNS]


def _read(conn: sa.Connection, sql: str, params: dict) -> pd.DataFrame:
    return pd.read_sql_query(sa.text(sql), conn, params=params)


def _backlog_sql(day_param: str) -> str:
    return (
        f"SUM(CASE WHEN m.date < :{day_param} THEN m.backlog_in ELSE 0 END) - "
        f"SUM(CASE WHEN m.date <= :{day_param} THEN m.backlog_out ELSE 0 END)"
    )


def _grouped(conn: sa.Connection, scope: Scope, period: Period, column: str | None):
    where, params = scope.facility_filter("f")
    key = f"f.{column}" if column else "'all'"
    p = {**params, **period.params(), "before": period.start - timedelta(days=1)}
    certs = _read(
        conn,
        f"SELECT {key} AS area_code, "
        "SUM(CASE WHEN m.date >= :start THEN m.issued ELSE 0 END) AS issued, "
        f"{_backlog_sql('end')} AS backlog, {_backlog_sql('before')} AS backlog_before, "
        "SUM(CASE WHEN m.date >= :start THEN m.lag_hours_sum ELSE 0 END) AS lag_sum, "
        "SUM(CASE WHEN m.date >= :start THEN m.lag_count ELSE 0 END) AS lag_count "
        "FROM mart_certificate_day m JOIN facility f ON f.facility_id = m.facility_id "
        f"WHERE {where} AND m.date <= :end GROUP BY {key}",
        p,
    )
    doses = _read(
        conn,
        f"SELECT {key} AS area_code, SUM(m.doses) AS doses FROM mart_dose_day m "
        f"JOIN facility f ON f.facility_id = m.facility_id "
        f"WHERE {where} AND m.date BETWEEN :start AND :end GROUP BY {key}",
        p,
    )
    df = certs.merge(doses, on="area_code", how="outer")
    for c in ("issued", "backlog", "backlog_before", "doses", "lag_count"):
        df[c] = df[c].fillna(0).astype("int64")
    df["backlog_change"] = df["backlog"] - df["backlog_before"]
    count = df["lag_count"].astype("float64")
    df["lag_hours"] = np.where(
        count > 0, df["lag_sum"].astype("float64") / count.where(count > 0), np.nan
    )
    return df


def totals(conn: sa.Connection, scope: Scope, period: Period) -> pd.DataFrame:
    """One row: certificates issued in the period, doses administered (visits), the backlog at
    the end of the period and at the end of the day before it, its change, and the mean lag in
    hours from injection to certificate over certificates issued in the period (NaN if none)."""
    df = _grouped(conn, scope, period, None)
    if df.empty:
        df = pd.DataFrame([{c: 0 for c in TOTAL_COLUMNS}]).assign(lag_hours=np.nan)
    return df[TOTAL_COLUMNS].reset_index(drop=True)


def weekly(
    conn: sa.Connection, scope: Scope, period: Period, weeks: int = TREND_WEEKS
) -> pd.DataFrame:
    """The totals of the `weeks` seven-day blocks ending on the period end, oldest first, with
    week_start and week_end columns (the backlog at the end of each block)."""
    where, params = scope.facility_filter("f")
    first = period.end - timedelta(days=7 * weeks - 1)
    p = {**params, "first": first, "end": period.end}
    certs = _read(
        conn,
        "SELECT m.date, SUM(m.issued) AS issued, SUM(m.backlog_in) AS b_in, "
        "SUM(m.backlog_out) AS b_out, SUM(m.lag_hours_sum) AS lag_sum, "
        "SUM(m.lag_count) AS lag_count FROM mart_certificate_day m "
        f"JOIN facility f ON f.facility_id = m.facility_id WHERE {where} AND m.date <= :end "
        "GROUP BY m.date",
        p,
    )
    doses = _read(
        conn,
        "SELECT m.date, SUM(m.doses) AS doses FROM mart_dose_day m "
        f"JOIN facility f ON f.facility_id = m.facility_id WHERE {where} "
        "AND m.date BETWEEN :first AND :end GROUP BY m.date",
        p,
    )
    start = pd.Timestamp(first)
    if len(certs):
        start = min(start, pd.to_datetime(certs["date"]).min())
    days = pd.date_range(start, period.end, freq="D")
    c = certs.assign(date=pd.to_datetime(certs["date"])).set_index("date").reindex(days)
    c = c.astype("float64").fillna(0)
    d = pd.Series(doses["doses"].to_numpy(), index=pd.to_datetime(doses["date"]), dtype="float64")
    c["doses"] = d.reindex(days).fillna(0)
    c["backlog"] = c["b_in"].cumsum().shift(1, fill_value=0) - c["b_out"].cumsum()
    rows = []
    for i in range(weeks - 1, -1, -1):
        end = pd.Timestamp(period.end - timedelta(days=7 * i))
        begin = end - pd.Timedelta(days=6)
        w = c.loc[begin:end]
        before = c["backlog"].get(begin - pd.Timedelta(days=1), 0.0)
        backlog = c["backlog"].loc[end]
        count = w["lag_count"].sum()
        rows.append(
            {
                "week_start": begin.date(),
                "week_end": end.date(),
                "issued": int(w["issued"].sum()),
                "doses": int(w["doses"].sum()),
                "backlog": int(backlog),
                "backlog_before": int(before),
                "backlog_change": int(backlog - before),
                "lag_hours": w["lag_sum"].sum() / count if count else np.nan,
            }
        )
    return pd.DataFrame(rows, columns=["week_start", "week_end", *TOTAL_COLUMNS])


def by_area(conn: sa.Connection, scope: Scope, period: Period) -> pd.DataFrame:
    """The totals one level below the scope: by district for the province, by commune for a
    district, by site for a commune or a site. Areas without doses, certificates or backlog are
    left out. Largest backlog first."""
    level, column = {
        "province": ("district", "district_code"),
        "district": ("commune", "commune_code"),
    }.get(scope.level, ("facility", "facility_id"))
    df = _grouped(conn, scope, period, column)
    where, params = scope.facility_filter("f")
    if level == "facility":
        names = _read(
            conn,
            "SELECT f.facility_id AS area_code, f.name, d.name AS district_name FROM facility f "
            f"LEFT JOIN area d ON d.area_code = f.district_code WHERE {where}",
            params,
        )
    else:
        names = _read(
            conn,
            "SELECT a.area_code, a.name, d.name AS district_name FROM area a "
            "LEFT JOIN area d ON d.area_code = a.district_code WHERE a.area_level = :lvl",
            {"lvl": level},
        )
    df = df.merge(names, on="area_code", how="left")
    df["name"] = df["name"].fillna(df["area_code"])
    df["level"] = level
    active = (df["issued"] > 0) | (df["doses"] > 0) | (df["backlog"] > 0)
    df = df[active | (df["backlog_before"] > 0)]
    df = df.sort_values(["backlog", "name"], ascending=[False, True])
    return df.reset_index(drop=True)[AREA_COLUMNS]


def top_sites(conn: sa.Connection, scope: Scope, period: Period, n: int = 15) -> pd.DataFrame:
    """The `n` sites of the scope with the largest backlog at the period end (backlog > 0)."""
    df = _grouped(conn, scope, period, "facility_id")
    where, params = scope.facility_filter("f")
    names = _read(
        conn,
        "SELECT f.facility_id AS area_code, f.name, d.name AS district_name FROM facility f "
        f"LEFT JOIN area d ON d.area_code = f.district_code WHERE {where}",
        params,
    )
    df = df.merge(names, on="area_code", how="left")
    df["name"] = df["name"].fillna(df["area_code"])
    df["level"] = "facility"
    df = df[df["backlog"] > 0].sort_values(["backlog", "name"], ascending=[False, True])
    return df.head(n).reset_index(drop=True)[AREA_COLUMNS]
