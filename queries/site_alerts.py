"""The alerts of the weekly overview: sites low on stock, with a deferral spike, a certificate
backlog or no data on a planned day (thresholds from `config/alerts.toml`, see
`queries.alerts`), each with the value and threshold rounded as the page shows them."""

from __future__ import annotations

import math
from datetime import timedelta

import numpy as np
import pandas as pd
import sqlalchemy as sa

from queries import anomalies, measures, quality, spike_test
from queries.alerts import Thresholds
from queries.overview import BACKLOG_PACE_DAYS, STOCK_USE_DAYS, _read
from queries.scope import Period, Scope

ALERT_KINDS = ("low_stock", "deferral_spike", "certificate_backlog", "no_data", *anomalies.KINDS)
ALERT_COLUMNS = [
    "kind", "severity", "score", "facility_id", "facility_name", "commune_code",
    "district_code", "value", "threshold", "on_hand", "daily_use", "screened", "deferrals",
    "baseline_rate", "baseline_source", "p_value", "backlog_days", "dates", "no_visit_days",
    "no_report_days", "sessions", "vaccine_code", "declared", "reports", "declarations",
    "doses", "recorded_late", "lag_days", "shown_value", "shown_threshold",
    "shown_backlog_days",
]  # fmt: skip
# Digits the page shows: days with one decimal, rates as percentages with one decimal.
DAYS_DIGITS = 1
RATE_DIGITS = 3


def _sites(conn: sa.Connection, scope: Scope) -> pd.DataFrame:
    where, params = scope.facility_filter("f")
    sites = _read(
        conn,
        "SELECT f.facility_id, f.name AS facility_name, f.commune_code, f.district_code, "
        f"f.active FROM facility f WHERE {where}",
        params,
    )
    # A site is active unless the platform says otherwise.
    active = sites["active"].map(lambda v: v is None or pd.isna(v) or bool(v))
    return sites[active.astype(bool)].drop(columns="active").set_index("facility_id")


def _low_stock(
    conn: sa.Connection, scope: Scope, period: Period, t: Thresholds, planned_sites: set[str]
) -> pd.DataFrame:
    where, params = scope.facility_filter("f")
    since = period.end - timedelta(days=STOCK_USE_DAYS - 1)
    df = _read(
        conn,
        "SELECT s.facility_id, SUM(m.received - m.issued_out - m.administered - m.wasted "
        "+ m.adjustment) AS on_hand, "
        "SUM(CASE WHEN m.date >= :since THEN m.administered ELSE 0 END) AS used "
        "FROM mart_stock_day m JOIN store s ON s.store_id = m.store_id "
        "JOIN facility f ON f.facility_id = s.facility_id "
        f"WHERE {where} AND m.date <= :end GROUP BY s.facility_id",
        {**params, "since": since, "end": period.end},
    )
    df["daily_use"] = df["used"] / STOCK_USE_DAYS
    df["value"] = np.where(
        df["on_hand"] <= 0,
        0.0,
        df["on_hand"] / df["daily_use"].where(df["daily_use"] > 0),
    )
    out_of_stock = (df["on_hand"] <= 0) & df["facility_id"].isin(planned_sites)
    low = (df["daily_use"] > 0) & (df["value"] < t.min_days_of_stock)
    df = df[out_of_stock | low].copy()
    df["kind"] = "low_stock"
    df["threshold"] = t.min_days_of_stock
    serious = (df["on_hand"] <= 0) | (df["value"] < t.serious_days_of_stock)
    df["severity"] = np.where(serious, "serious", "warning")
    df["score"] = t.min_days_of_stock / df["value"].clip(lower=0.1)
    return df


def _district_baselines(
    conn: sa.Connection, districts: list[str], base_start, start
) -> pd.DataFrame:
    """Each district's deferrals and screened over the baseline weeks (all its sites)."""
    if not districts:
        return pd.DataFrame(columns=["district_code", "d_screened", "d_deferrals"])
    names = {f"d{i}": code for i, code in enumerate(districts)}
    return _read(
        conn,
        "SELECT f.district_code, SUM(m.screened) AS d_screened, "
        "SUM(m.deferred + m.contraindicated + m.referred) AS d_deferrals "
        "FROM mart_session_day m JOIN facility f ON f.facility_id = m.facility_id "
        f"WHERE f.district_code IN ({', '.join(':' + k for k in names)}) "
        "AND m.date >= :base_start AND m.date < :start GROUP BY f.district_code",
        {**names, "base_start": base_start, "start": start},
    )


def _deferral_spike(
    conn: sa.Connection, scope: Scope, period: Period, t: Thresholds
) -> pd.DataFrame:
    """Sites whose deferrals of the period are more than chance explains against their own
    baseline (or their district's when theirs is thin): see `queries.spike_test`."""
    where, params = scope.facility_filter("f")
    base_start = period.start - timedelta(weeks=t.spike_baseline_weeks)
    df = _read(
        conn,
        "SELECT m.facility_id, f.district_code, "
        "SUM(CASE WHEN m.date >= :start THEN m.screened ELSE 0 END) AS screened, "
        "SUM(CASE WHEN m.date >= :start THEN m.deferred + m.contraindicated + m.referred "
        "ELSE 0 END) AS deferrals, "
        "SUM(CASE WHEN m.date < :start THEN m.screened ELSE 0 END) AS base_screened, "
        "SUM(CASE WHEN m.date < :start THEN m.deferred + m.contraindicated + m.referred "
        "ELSE 0 END) AS base_deferrals "
        "FROM mart_session_day m JOIN facility f ON f.facility_id = m.facility_id "
        f"WHERE {where} AND m.date BETWEEN :base_start AND :end "
        "GROUP BY m.facility_id, f.district_code",
        {**params, **period.params(), "base_start": base_start},
    )
    for c in ("screened", "deferrals", "base_screened", "base_deferrals"):
        df[c] = pd.to_numeric(df[c]).fillna(0).astype("int64")
    df = df[
        (df["screened"] >= t.spike_min_screened)
        & (df["deferrals"] >= max(t.spike_min_deferrals, 1))
    ].copy()
    df["value"] = df["deferrals"] / df["screened"].where(df["screened"] > 0)
    df = df[df["value"] >= t.spike_min_rate]
    own = df["base_screened"] >= max(t.spike_min_baseline_screened, 1)
    districts = _district_baselines(
        conn, sorted(df.loc[~own, "district_code"].dropna().unique()), base_start, period.start
    ).set_index("district_code")
    d_screened = df["district_code"].map(districts["d_screened"]).astype("float64")
    d_deferrals = df["district_code"].map(districts["d_deferrals"]).astype("float64")
    df["baseline_source"] = np.where(own, "site", "district")
    df["baseline_rate"] = np.where(
        own,
        df["base_deferrals"] / df["base_screened"].where(df["base_screened"] > 0),
        d_deferrals / d_screened.where(d_screened > 0),
    )
    df = df[df["baseline_rate"].notna()].copy()
    df["p_value"] = [
        spike_test.fisher_upper(r.deferrals, r.screened, r.base_deferrals, r.base_screened)
        if r.baseline_source == "site"
        else spike_test.binomial_upper(r.deferrals, r.screened, r.baseline_rate)
        for r in df.itertuples()
    ]
    df["threshold"] = t.spike_factor * df["baseline_rate"]
    df = df[(df["value"] > df["threshold"]) & (df["p_value"] < t.spike_significance)].copy()
    times = df["value"] / df["baseline_rate"].where(df["baseline_rate"] > 0)
    times = times.fillna(np.inf)
    df["kind"] = "deferral_spike"
    df["severity"] = np.where(times >= t.spike_serious_factor, "serious", "warning")
    df["score"] = times / t.spike_factor
    return df.drop(columns="district_code")


def _certificate_backlog(
    conn: sa.Connection, scope: Scope, period: Period, t: Thresholds
) -> pd.DataFrame:
    where, params = scope.facility_filter("f")
    since = period.end - timedelta(days=BACKLOG_PACE_DAYS - 1)
    backlog = _read(
        conn,
        "SELECT m.facility_id, "
        "SUM(CASE WHEN m.date < :end THEN m.backlog_in ELSE 0 END) - SUM(m.backlog_out) "
        "AS value FROM mart_certificate_day m JOIN facility f ON f.facility_id = m.facility_id "
        f"WHERE {where} AND m.date <= :end GROUP BY m.facility_id",
        {**params, "end": period.end},
    )
    pace = _read(
        conn,
        "SELECT m.facility_id, SUM(m.doses) AS doses FROM mart_session_day m "
        "JOIN facility f ON f.facility_id = m.facility_id "
        f"WHERE {where} AND m.date BETWEEN :since AND :end GROUP BY m.facility_id",
        {**params, "since": since, "end": period.end},
    )
    df = backlog.merge(pace, on="facility_id", how="left")
    df["doses"] = df["doses"].fillna(0)
    df["daily_use"] = df["doses"] / BACKLOG_PACE_DAYS  # the site's daily doses
    df["backlog_days"] = (df["value"] / df["daily_use"].where(df["daily_use"] > 0)).fillna(np.inf)
    df = df[(df["value"] >= t.backlog_min_count) & (df["backlog_days"] >= t.backlog_min_days)]
    df = df.copy()
    df["threshold"] = np.maximum(
        float(t.backlog_min_count), np.ceil(t.backlog_min_days * df["daily_use"])
    )
    df["kind"] = "certificate_backlog"
    df["severity"] = np.where(df["backlog_days"] >= t.backlog_serious_days, "serious", "warning")
    df["score"] = df["backlog_days"] / max(t.backlog_min_days, 1e-9)
    return df


def _planned_sites(conn: sa.Connection, scope: Scope, period: Period) -> set[str]:
    """Sites of the scope with an approved plan on a day of the period."""
    where, params = scope.facility_filter("f")
    df = _read(
        conn,
        "SELECT DISTINCT p.facility_id FROM mart_plan_day p "
        "JOIN facility f ON f.facility_id = p.facility_id "
        f"WHERE {where} AND p.date BETWEEN :start AND :end",
        {**params, **period.params()},
    )
    return set(df["facility_id"])


def _no_data(conn: sa.Connection, scope: Scope, period: Period, t: Thresholds) -> pd.DataFrame:
    """Late sites (METRICS.md, `queries.quality.late_sites`) by site: the days of the period
    with a plan and no visit or no stock report (value, dates), and how many of them had no
    visit and no stock report."""
    late = quality.late_sites(conn, scope, period)
    late = late.assign(day=pd.to_datetime(late["date"]).dt.strftime("%Y-%m-%d"))
    df = (
        late.sort_values("day")
        .groupby("facility_id", as_index=False)
        .agg(
            value=("day", "size"),
            dates=("day", ",".join),
            no_visit_days=("no_visits", "sum"),
            no_report_days=("no_stock_report", "sum"),
        )
    )
    df = df[df["value"] >= t.no_data_min_days].copy()
    df["value"] = df["value"].astype("float64")
    df["threshold"] = float(t.no_data_min_days)
    df["kind"] = "no_data"
    df["severity"] = np.where(df["value"] >= t.no_data_serious_days, "serious", "warning")
    df["score"] = df["value"] / t.no_data_min_days
    return df


def _shown_row(row: pd.Series, t: Thresholds) -> tuple[float, float, float]:
    """(value, threshold, backlog days) of an alert as the page shows them: rounded so that
    neither the value against its threshold nor the severity contradicts what is shown."""
    kind, value, threshold = row["kind"], float(row["value"]), float(row["threshold"])
    days = math.nan
    if kind == "low_stock":
        limit = t.serious_days_of_stock if value < t.serious_days_of_stock else threshold
        shown = measures.shown_under(value, limit, DAYS_DIGITS)
        return shown, measures.shown_threshold(threshold, shown, DAYS_DIGITS, below=True), days
    if kind == "deferral_spike":
        shown = measures.shown_over(value, threshold, RATE_DIGITS)
        return shown, measures.shown_threshold(threshold, shown, RATE_DIGITS, below=False), days
    if kind == "high_throughput":
        shown = measures.shown_over(value, threshold, DAYS_DIGITS)
        return shown, measures.shown_threshold(threshold, shown, DAYS_DIGITS, below=False), days
    if kind == "certificate_backlog" and math.isfinite(row["backlog_days"]):
        days = measures.shown_under(row["backlog_days"], t.backlog_serious_days, DAYS_DIGITS)
    return value, threshold, days


def alerts(
    conn: sa.Connection, scope: Scope, period: Period, thresholds: Thresholds | None = None
) -> pd.DataFrame:
    """The alerts of the period for the active sites of the scope, most severe first.

    Kinds (thresholds from `config/alerts.toml`, see `queries.alerts`):
    - `low_stock`: the site's stores hold fewer than `min_days_of_stock` days of stock at the
      period end (value: days of stock; 0 when out of stock with an approved plan in the
      period); `on_hand`, `daily_use` (mean daily ledger use over the last 7 days);
    - `deferral_spike`: the period's deferral rate (value, `deferrals` of `screened`) is more
      than chance explains against the site's own rate over the `baseline_weeks` before, or
      its district's when the site's baseline is thin (`baseline_rate`, `baseline_source`
      "site" or "district"; one-sided test of `queries.spike_test`, `p_value` under
      `significance`), with at least `min_deferrals` deferrals and above `factor` x the
      baseline rate (threshold);
    - `certificate_backlog`: the backlog at the period end (value) is at least `min_count` and
      at least `min_days` days of the site's mean daily doses over 28 days (`backlog_days`);
    - `no_data`: the site is late (METRICS.md "late sites", `queries.quality.late_sites`) on
      at least `no_data.min_days` days: days of the period with an approved plan and no visit
      or no stock report (value; the days in `dates`, ISO, comma-separated; of those,
      `no_visit_days` without a visit and `no_report_days` without a stock report);
    - the anomaly kinds of `queries.anomalies` (`high_throughput`, `repeated_stock_report`,
      `round_stock_report`, `late_recording`), with their own columns.
    `shown_value`, `shown_threshold` and `shown_backlog_days` are those numbers rounded for
    display (days to 0.1, rates to 0.1 %) so that what is shown never contradicts its
    threshold or the severity (2.96 days under a 3-day threshold shows as 2.9).
    `severity` is "serious" or "warning"; `score` says how far past its threshold an alert
    is, and orders alerts within a severity (ties: the busiest site first).
    """
    t = thresholds or Thresholds()
    sites = _sites(conn, scope)
    parts = [
        _low_stock(conn, scope, period, t, _planned_sites(conn, scope, period)),
        _deferral_spike(conn, scope, period, t),
        _certificate_backlog(conn, scope, period, t),
        _no_data(conn, scope, period, t),
        *anomalies.anomalies(conn, scope, period, t),
    ]
    parts = [p for p in parts if not p.empty]
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in ALERT_COLUMNS})
    out = pd.concat(parts, ignore_index=True)
    out = out[out["facility_id"].isin(sites.index)]
    out = out.join(sites, on="facility_id")
    shown = [_shown_row(row, t) for _, row in out.iterrows()]
    out["shown_value"] = [v for v, _, _ in shown]
    out["shown_threshold"] = [th for _, th, _ in shown]
    out["shown_backlog_days"] = [d for _, _, d in shown]
    for column in ALERT_COLUMNS:
        if column not in out:
            out[column] = np.nan
    out["score"] = out["score"].replace(np.inf, 1e9).astype("float64")
    out["_sev"] = out["severity"].map({"serious": 0, "warning": 1})
    out["_kind"] = out["kind"].map({k: i for i, k in enumerate(ALERT_KINDS)})
    # Ties (e.g. many sites out of stock) go to the busiest sites first.
    volume = {
        "low_stock": "daily_use",
        "deferral_spike": "screened",
        "certificate_backlog": "value",
        "late_recording": "doses",
    }
    out["_volume"] = 0.0
    for kind, column in volume.items():
        rows = out["kind"] == kind
        out.loc[rows, "_volume"] = out.loc[rows, column].astype("float64")
    out = out.sort_values(
        ["_sev", "score", "_volume", "_kind", "facility_id"], ascending=[1, 0, 0, 1, 1]
    )
    return out[ALERT_COLUMNS].reset_index(drop=True)
