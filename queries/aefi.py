"""Adverse events following immunization (METRICS.md "AEFI"): reports by severity, vaccine and
outcome, and the rate per 100,000 doses of the same vaccine and period, from mart_aefi_day and
mart_dose_day.

AEFI rate = reports / doses administered × 100,000, same vaccine, scope and period. Reports are
unverified and not reduced after investigation. Reports also break down by lot (the lot recorded
on the visit a report refers to); doses are not kept per lot in the marts, so there is no rate
by lot.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import sqlalchemy as sa

from queries.scope import Period, Scope

SEVERITIES = ("mild", "serious")
OUTCOMES = ("recovered", "hospitalised", "death", "unknown")
CHANNELS = ("facility", "app", "hotline")
PER = 100_000
NO_VACCINE = ""  # the mart's code when the visit had no injection recorded
NO_LOT = ""  # the mart's lot when the visit recorded none

TOTAL_COLUMNS = ["reports", "mild", "serious", "doses", "rate", "serious_rate"]
VACCINE_COLUMNS = ["vaccine_code", "vaccine_name", *TOTAL_COLUMNS]
LOT_COLUMNS = ["vaccine_code", "vaccine_name", "lot_number", "reports", "mild", "serious", "sites"]


def _read(conn: sa.Connection, sql: str, params: dict) -> pd.DataFrame:
    return pd.read_sql_query(sa.text(sql), conn, params=params)


def _rate(count: pd.Series, doses: pd.Series) -> pd.Series:
    doses = doses.astype("float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        return pd.Series(
            np.where(doses > 0, count.astype("float64") / doses * PER, np.nan), index=count.index
        )


def _with_rates(df: pd.DataFrame) -> pd.DataFrame:
    for c in ("mild", "serious", "doses"):
        df[c] = df[c].fillna(0).astype("int64")
    df["reports"] = df["mild"] + df["serious"]
    df["rate"] = _rate(df["reports"], df["doses"])
    df["serious_rate"] = _rate(df["serious"], df["doses"])
    return df


_SEVERITY_SUMS = (
    "SUM(CASE WHEN a.severity = 'mild' THEN a.reports ELSE 0 END) AS mild, "
    "SUM(CASE WHEN a.severity = 'serious' THEN a.reports ELSE 0 END) AS serious"
)


def by_vaccine(conn: sa.Connection, scope: Scope, period: Period) -> pd.DataFrame:
    """AEFI reports by vaccine (mild, serious, total) with the doses of that vaccine given in the
    scope and period and the rates per 100,000 doses (NaN when no dose of it was given).

    Every vaccine with a report or a dose appears; reports on visits without an injection come
    under vaccine_code '' (no rate). Sorted by reports, most first.
    Columns: vaccine_code, vaccine_name, reports, mild, serious, doses, rate, serious_rate.
    """
    where, params = scope.facility_filter("f")
    p = {**params, **period.params()}
    reports = _read(
        conn,
        f"SELECT a.vaccine_code, {_SEVERITY_SUMS} FROM mart_aefi_day a "
        "JOIN facility f ON f.facility_id = a.facility_id "
        f"WHERE {where} AND a.date BETWEEN :start AND :end GROUP BY a.vaccine_code",
        p,
    )
    doses = _read(
        conn,
        "SELECT m.vaccine_code, SUM(m.doses) AS doses FROM mart_dose_day m "
        "JOIN facility f ON f.facility_id = m.facility_id "
        f"WHERE {where} AND m.date BETWEEN :start AND :end GROUP BY m.vaccine_code",
        p,
    )
    names = _read(conn, "SELECT vaccine_code, name AS vaccine_name FROM vaccine", {})
    df = reports.merge(doses, on="vaccine_code", how="outer")
    df["vaccine_code"] = df["vaccine_code"].fillna(NO_VACCINE)
    df = _with_rates(df)
    df = df[(df["reports"] > 0) | (df["doses"] > 0)]
    df = df.merge(names, on="vaccine_code", how="left")
    df["vaccine_name"] = df["vaccine_name"].fillna(df["vaccine_code"])
    df = df.sort_values(["reports", "doses", "vaccine_code"], ascending=[False, False, True])
    return df.reset_index(drop=True)[VACCINE_COLUMNS]


def by_lot(conn: sa.Connection, scope: Scope, period: Period) -> pd.DataFrame:
    """AEFI reports by vaccine and lot (the lot recorded on the visit each report refers to):
    mild, serious, total, and the number of sites whose visits they came from.

    Only lots with a report appear; a visit without a lot comes under lot_number '' (and
    without an injection under vaccine_code ''). No rate: the marts hold no doses per lot.
    Sorted by reports, then serious reports, most first.
    Columns: vaccine_code, vaccine_name, lot_number, reports, mild, serious, sites.
    """
    where, params = scope.facility_filter("f")
    df = _read(
        conn,
        f"SELECT a.vaccine_code, a.lot_number, {_SEVERITY_SUMS}, "
        "COUNT(DISTINCT a.facility_id) AS sites FROM mart_aefi_day a "
        "JOIN facility f ON f.facility_id = a.facility_id "
        f"WHERE {where} AND a.date BETWEEN :start AND :end "
        "GROUP BY a.vaccine_code, a.lot_number",
        {**params, **period.params()},
    )
    names = _read(conn, "SELECT vaccine_code, name AS vaccine_name FROM vaccine", {})
    for c in ("mild", "serious", "sites"):
        df[c] = df[c].fillna(0).astype("int64")
    df["reports"] = df["mild"] + df["serious"]
    df = df[df["reports"] > 0].merge(names, on="vaccine_code", how="left")
    df["vaccine_name"] = df["vaccine_name"].fillna(df["vaccine_code"])
    df = df.sort_values(
        ["reports", "serious", "vaccine_code", "lot_number"], ascending=[False, False, True, True]
    )
    return df.reset_index(drop=True)[LOT_COLUMNS]


def totals(conn: sa.Connection, scope: Scope, period: Period) -> pd.DataFrame:
    """One row: reports, mild, serious, doses administered and the AEFI rates per 100,000 doses
    for the scope and period (NaN when no dose was given)."""
    df = by_vaccine(conn, scope, period)
    row = pd.DataFrame([{c: int(df[c].sum()) for c in ("mild", "serious", "doses")}])
    return _with_rates(row)[TOTAL_COLUMNS]


def serious_by_outcome(conn: sa.Connection, scope: Scope, period: Period) -> pd.DataFrame:
    """Serious AEFI reports by outcome (recovered, hospitalised, death, unknown; every outcome
    listed, zero when none) and by vaccine. Columns: outcome, vaccine_code, reports."""
    where, params = scope.facility_filter("f")
    df = _read(
        conn,
        "SELECT a.outcome, a.vaccine_code, SUM(a.reports) AS reports FROM mart_aefi_day a "
        "JOIN facility f ON f.facility_id = a.facility_id "
        f"WHERE {where} AND a.date BETWEEN :start AND :end AND a.severity = 'serious' "
        "GROUP BY a.outcome, a.vaccine_code",
        {**params, **period.params()},
    )
    df["reports"] = df["reports"].fillna(0).astype("int64")
    missing = [o for o in OUTCOMES if o not in set(df["outcome"])]
    if missing:
        pad = pd.DataFrame({"outcome": missing, "vaccine_code": NO_VACCINE, "reports": 0})
        df = pd.concat([df, pad.astype({"reports": "int64"})], ignore_index=True)
    order = {o: i for i, o in enumerate(OUTCOMES)}
    df = df.assign(_o=df["outcome"].map(order).fillna(len(OUTCOMES)))
    df = df.sort_values(["_o", "reports"], ascending=[True, False])
    return df.reset_index(drop=True)[["outcome", "vaccine_code", "reports"]]


def by_channel(conn: sa.Connection, scope: Scope, period: Period) -> pd.DataFrame:
    """AEFI reports by reporting channel (facility, app, hotline) and severity.
    Columns: channel, mild, serious, reports."""
    where, params = scope.facility_filter("f")
    df = _read(
        conn,
        f"SELECT a.channel, {_SEVERITY_SUMS} FROM mart_aefi_day a "
        "JOIN facility f ON f.facility_id = a.facility_id "
        f"WHERE {where} AND a.date BETWEEN :start AND :end GROUP BY a.channel",
        {**params, **period.params()},
    )
    for c in ("mild", "serious"):
        df[c] = df[c].fillna(0).astype("int64")
    df["reports"] = df["mild"] + df["serious"]
    return df.sort_values("reports", ascending=False).reset_index(drop=True)


def weekly(conn: sa.Connection, scope: Scope, period: Period, weeks: int) -> pd.DataFrame:
    """The `weeks` ISO weeks ending with the period's last week: mild and serious reports,
    doses and the AEFI rate per 100,000 doses of each week (every week listed).
    Columns: week_start, week_end, mild, serious, reports, doses, rate, serious_rate."""
    end = pd.Timestamp(period.end)
    last_monday = end - pd.Timedelta(days=end.weekday())
    starts = pd.date_range(last_monday - pd.Timedelta(weeks=weeks - 1), last_monday, freq="7D")
    span = Period(starts[0].date(), end.date())
    where, params = scope.facility_filter("f")
    p = {**params, **span.params()}
    aefi = _read(
        conn,
        f"SELECT a.date, {_SEVERITY_SUMS} FROM mart_aefi_day a "
        "JOIN facility f ON f.facility_id = a.facility_id "
        f"WHERE {where} AND a.date BETWEEN :start AND :end GROUP BY a.date",
        p,
    )
    doses = _read(
        conn,
        "SELECT m.date, SUM(m.doses) AS doses FROM mart_dose_day m "
        "JOIN facility f ON f.facility_id = m.facility_id "
        f"WHERE {where} AND m.date BETWEEN :start AND :end GROUP BY m.date",
        p,
    )
    df = aefi.merge(doses, on="date", how="outer")
    df["date"] = pd.to_datetime(df["date"])
    df["week_start"] = df["date"] - pd.to_timedelta(df["date"].dt.day_of_week, unit="D")
    sums = df.groupby("week_start")[["mild", "serious", "doses"]].sum()
    out = sums.reindex(starts, fill_value=0).rename_axis("week_start").reset_index()
    out = _with_rates(out)
    out["week_end"] = out["week_start"] + pd.Timedelta(days=6)
    out["week_start"] = out["week_start"].dt.date
    out["week_end"] = out["week_end"].dt.date
    return out[["week_start", "week_end", "mild", "serious", "reports", "doses", "rate",
                "serious_rate"]]  # fmt: skip
