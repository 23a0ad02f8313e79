"""Adverse events following immunization (METRICS.md "AEFI"): reports by severity, vaccine and
outcome, and the rate per 100,000 doses of the same vaccine and period, from mart_aefi_day and
mart_dose_day.

AEFI rate = reports / doses administered × 100,000, same vaccine, scope and period. Reports are
unverified and not reduced after investigation. Reports also break down by lot (the lot recorded
on the visit a report refers to); doses are not kept per lot in the marts, so there is no rate
by lot.
"""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa

from queries.measures import ratio
from queries.periods import trend_mondays, weekly_trend
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
    return ratio(count.astype("float64"), doses) * PER


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


def _severities(conn: sa.Connection, scope: Scope, period: Period, key: str) -> pd.DataFrame:
    """Mild and serious reports of the scope and period by the mart column `key`."""
    where, params = scope.facility_filter("f")
    return _read(
        conn,
        f"SELECT a.{key}, {_SEVERITY_SUMS} FROM mart_aefi_day a "
        "JOIN facility f ON f.facility_id = a.facility_id "
        f"WHERE {where} AND a.date BETWEEN :start AND :end GROUP BY a.{key}",
        {**params, **period.params()},
    )


def _doses(conn: sa.Connection, scope: Scope, period: Period, key: str) -> pd.DataFrame:
    """Doses administered in the scope and period by the mart column `key`."""
    where, params = scope.facility_filter("f")
    return _read(
        conn,
        f"SELECT m.{key}, SUM(m.doses) AS doses FROM mart_dose_day m "
        "JOIN facility f ON f.facility_id = m.facility_id "
        f"WHERE {where} AND m.date BETWEEN :start AND :end GROUP BY m.{key}",
        {**params, **period.params()},
    )


def by_vaccine(conn: sa.Connection, scope: Scope, period: Period) -> pd.DataFrame:
    """AEFI reports by vaccine (mild, serious, total) with the doses of that vaccine given in the
    scope and period and the rates per 100,000 doses (NaN when no dose of it was given).

    Every vaccine with a report or a dose appears; reports on visits without an injection come
    under vaccine_code '' (no rate). Sorted by reports, most first.
    Columns: vaccine_code, vaccine_name, reports, mild, serious, doses, rate, serious_rate.
    """
    reports = _severities(conn, scope, period, "vaccine_code")
    doses = _doses(conn, scope, period, "vaccine_code")
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


def outcome_totals(out: pd.DataFrame) -> pd.DataFrame:
    """Serious reports of `serious_by_outcome` summed over vaccines: one row per outcome in
    OUTCOMES order (zero when none). Columns: outcome, reports."""
    sums = out.groupby("outcome")["reports"].sum().reindex(list(OUTCOMES), fill_value=0)
    return sums.astype("int64").rename_axis("outcome").reset_index()


def by_channel(conn: sa.Connection, scope: Scope, period: Period) -> pd.DataFrame:
    """AEFI reports by reporting channel (facility, app, hotline) and severity.
    Columns: channel, mild, serious, reports."""
    df = _severities(conn, scope, period, "channel")
    for c in ("mild", "serious"):
        df[c] = df[c].fillna(0).astype("int64")
    df["reports"] = df["mild"] + df["serious"]
    return df.sort_values("reports", ascending=False).reset_index(drop=True)


def weekly(conn: sa.Connection, scope: Scope, period: Period, weeks: int) -> pd.DataFrame:
    """The `weeks` ISO weeks ending with the period's last week: mild and serious reports,
    doses and the AEFI rate per 100,000 doses of each week (every week listed).
    Columns: week_start, week_end, mild, serious, reports, doses, rate, serious_rate."""
    span = Period(trend_mondays(period.end, weeks)[0], period.end)
    aefi = _severities(conn, scope, span, "date")
    doses = _doses(conn, scope, span, "date")
    df = aefi.merge(doses, on="date", how="outer").fillna(0)
    out = _with_rates(weekly_trend(df, "date", period.end, weeks))
    return out[["week_start", "week_end", "mild", "serious", "reports", "doses", "rate",
                "serious_rate"]]  # fmt: skip
