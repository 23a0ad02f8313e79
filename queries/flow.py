"""Session flow (METRICS.md "Sessions"): the funnel reception -> screening -> injection ->
watch -> certificate, the time between steps, throughput by site, sessions below capacity and
the recording lag, from mart_session_day and mart_certificate_day.

throughput = doses administered / (tables × hours between the first and last injection), per
session (one site, one day); `facility.tables_count` gives the tables. A session is below
capacity when its throughput is under BELOW_SHARE of the site's median session throughput in the
period. Certificates are those issued in the period (an approximation of the certificates for
the period's injections).
"""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa

from queries.measures import ratio
from queries.periods import trend_mondays, weekly_trend
from queries.scope import Period, Scope

STEPS = ("checked_in", "screened", "doses", "observed", "issued")
BELOW_SHARE = 0.5  # a session under half the site's median throughput ran below capacity
MIN_HOURS = 0.25  # shorter injection spans make throughput meaningless (a handful of doses)

TOTAL_COLUMNS = [
    *STEPS, "screen_wait_minutes", "inject_wait_minutes", "recording_lag_days",
    "recorded_late", "recorded_late_share",
]  # fmt: skip
SESSION_COLUMNS = [
    "facility_id", "name", "commune_name", "district_name", "date", "doses", "tables", "hours",
    "throughput", "site_median", "threshold", "below",
]  # fmt: skip
SITE_COLUMNS = [
    "facility_id", "name", "commune_name", "district_name", "tables", "sessions", "doses",
    "table_hours", "throughput", "site_median", "threshold", "below_sessions",
]  # fmt: skip


def _read(conn: sa.Connection, sql: str, params: dict) -> pd.DataFrame:
    return pd.read_sql_query(sa.text(sql), conn, params=params)


def _ratio(num, den) -> float:
    shown = ratio(num, den)
    return float("nan") if shown is None else shown


def totals(conn: sa.Connection, scope: Scope, period: Period) -> pd.DataFrame:
    """One row for the scope and period: the funnel counts (checked_in, screened, doses,
    observed, issued), the mean minutes reception -> screening (over screened) and screening ->
    injection (over doses), the mean recording lag in days (recorded_at - end of the session
    day, over doses; negative when entered on the day), recorded_late and its share of doses."""
    where, params = scope.facility_filter("f")
    p = {**params, **period.params()}
    s = _read(
        conn,
        "SELECT SUM(m.checked_in) AS checked_in, SUM(m.screened) AS screened, "
        "SUM(m.doses) AS doses, SUM(m.observed) AS observed, "
        "SUM(m.screen_wait_minutes_sum) AS screen_wait, "
        "SUM(m.inject_wait_minutes_sum) AS inject_wait, "
        "SUM(m.recording_lag_days_sum) AS lag, SUM(m.recorded_late) AS recorded_late "
        "FROM mart_session_day m JOIN facility f ON f.facility_id = m.facility_id "
        f"WHERE {where} AND m.date BETWEEN :start AND :end",
        p,
    ).iloc[0]
    issued = conn.execute(
        sa.text(
            "SELECT SUM(c.issued) FROM mart_certificate_day c "
            "JOIN facility f ON f.facility_id = c.facility_id "
            f"WHERE {where} AND c.date BETWEEN :start AND :end"
        ),
        p,
    ).scalar()
    counts = {
        c: int(0 if pd.isna(s[c]) else s[c])
        for c in ("checked_in", "screened", "doses", "observed", "recorded_late")
    }
    row = {
        **counts,
        "issued": int(issued or 0),
        "screen_wait_minutes": _ratio(s["screen_wait"], counts["screened"]),
        "inject_wait_minutes": _ratio(s["inject_wait"], counts["doses"]),
        "recording_lag_days": _ratio(s["lag"], counts["doses"]),
        "recorded_late_share": _ratio(counts["recorded_late"], counts["doses"]),
    }
    return pd.DataFrame([row])[TOTAL_COLUMNS]


def sessions(conn: sa.Connection, scope: Scope, period: Period) -> pd.DataFrame:
    """Every session (site and day with doses) in the scope and period with its throughput:
    doses / (tables × hours between first and last injection). Sessions with no table count or
    an injection span under MIN_HOURS have no throughput (NaN). site_median is the median
    throughput of the site's sessions in the period, threshold = BELOW_SHARE × site_median,
    below is True when the session's throughput is under it."""
    where, params = scope.facility_filter("f")
    df = _read(
        conn,
        "SELECT m.facility_id, f.name, c.name AS commune_name, d.name AS district_name, "
        "m.date, m.doses, f.tables_count AS tables, m.first_injection_at, m.last_injection_at "
        "FROM mart_session_day m JOIN facility f ON f.facility_id = m.facility_id "
        "LEFT JOIN area c ON c.area_code = f.commune_code "
        "LEFT JOIN area d ON d.area_code = f.district_code "
        f"WHERE {where} AND m.date BETWEEN :start AND :end AND m.doses > 0",
        {**params, **period.params()},
    )
    first = pd.to_datetime(df["first_injection_at"])
    last = pd.to_datetime(df["last_injection_at"])
    df["hours"] = (last - first).dt.total_seconds() / 3600.0
    df["tables"] = pd.to_numeric(df["tables"]).astype("float64")
    df["doses"] = df["doses"].astype("int64")
    usable = (df["hours"] >= MIN_HOURS) & (df["tables"] > 0)
    df["throughput"] = ratio(df["doses"], df["tables"] * df["hours"]).where(usable)
    df["site_median"] = df.groupby("facility_id")["throughput"].transform("median")
    df["threshold"] = df["site_median"] * BELOW_SHARE
    df["below"] = (df["throughput"] < df["threshold"]).fillna(False).astype(bool)
    df["date"] = pd.to_datetime(df["date"]).dt.date
    df["name"] = df["name"].fillna(df["facility_id"])
    return df.sort_values(["date", "facility_id"]).reset_index(drop=True)[SESSION_COLUMNS]


def by_site(conn: sa.Connection, scope: Scope, period: Period) -> pd.DataFrame:
    """Throughput by site: sessions, doses, table-hours (over sessions with a throughput) and
    doses per table-hour over them, the median session throughput, the below-capacity threshold
    and the number of sessions under it. Sorted by throughput, lowest first."""
    s = sessions(conn, scope, period)
    ok = s[s["throughput"].notna()].assign(table_hours=lambda d: d["tables"] * d["hours"])
    if s.empty:
        return pd.DataFrame(columns=SITE_COLUMNS)
    keys = ["facility_id", "name", "commune_name", "district_name"]
    base = s.groupby(keys, dropna=False).agg(
        tables=("tables", "first"), sessions=("date", "count"), below_sessions=("below", "sum")
    )
    used = ok.groupby(keys, dropna=False).agg(
        doses=("doses", "sum"),
        table_hours=("table_hours", "sum"),
        site_median=("throughput", "median"),
    )
    df = base.join(used, how="left").reset_index()
    df["doses"] = df["doses"].fillna(0).astype("int64")
    df["throughput"] = ratio(df["doses"], df["table_hours"])
    df["threshold"] = df["site_median"] * BELOW_SHARE
    df["below_sessions"] = df["below_sessions"].astype("int64")
    df = df.sort_values(["throughput", "facility_id"], na_position="last")
    return df.reset_index(drop=True)[SITE_COLUMNS]


def weekly(conn: sa.Connection, scope: Scope, period: Period, weeks: int) -> pd.DataFrame:
    """The `weeks` ISO weeks ending with the period's last week: doses, injections recorded late
    and their share, and the mean recording lag in days. Every week listed.
    Columns: week_start, week_end, doses, recorded_late, recorded_late_share,
    recording_lag_days."""
    where, params = scope.facility_filter("f")
    df = _read(
        conn,
        "SELECT m.date, SUM(m.doses) AS doses, SUM(m.recorded_late) AS recorded_late, "
        "SUM(m.recording_lag_days_sum) AS lag FROM mart_session_day m "
        "JOIN facility f ON f.facility_id = m.facility_id "
        f"WHERE {where} AND m.date BETWEEN :start AND :end GROUP BY m.date",
        {**params, "start": trend_mondays(period.end, weeks)[0], "end": period.end},
    )
    out = weekly_trend(df.fillna(0), "date", period.end, weeks)
    out["doses"] = out["doses"].astype("int64")
    out["recorded_late"] = out["recorded_late"].astype("int64")
    out["recorded_late_share"] = ratio(out["recorded_late"], out["doses"])
    out["recording_lag_days"] = ratio(out["lag"].astype("float64"), out["doses"])
    return out[["week_start", "week_end", "doses", "recorded_late", "recorded_late_share",
                "recording_lag_days"]]  # fmt: skip


def capacity(sites: pd.DataFrame) -> pd.Series:
    """The scope's doses per table-hour over the sessions of `by_site` that have one, and its
    sessions below capacity out of all sessions: throughput, below_sessions, sessions."""
    return pd.Series(
        {
            "throughput": _ratio(sites["doses"].sum(), sites["table_hours"].sum()),
            "below_sessions": int(sites["below_sessions"].sum()),
            "sessions": int(sites["sessions"].sum()),
        }
    )


def funnel(row: pd.Series) -> pd.DataFrame:
    """The funnel of a `totals` row: step, visits, share (of checked in; NaN when none)."""
    visits = pd.Series([int(row[s]) for s in STEPS], dtype="int64")
    return pd.DataFrame({"step": STEPS, "visits": visits, "share": ratio(visits, visits.iloc[0])})


def lowest_sites(sites: pd.DataFrame, n: int) -> pd.DataFrame:
    """The `n` sites of `by_site` with the lowest doses per table-hour (those with one)."""
    return sites[sites["throughput"].notna()].head(n)
