"""Screening outcomes and deferrals (METRICS.md "Sessions"): totals, reasons, areas, weekly
trend and the sites with the highest deferral rates, from mart_session_day and
mart_screening_day.

deferral rate = (deferred + contraindicated + referred) / screened.
"""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa

from queries import dimensions, measures, periods
from queries.scope import Period, Scope

RESULTS = ("deferred", "contraindicated", "referred")
COUNTS = ["screened", *RESULTS]
REASONS = (
    "acute_illness", "fever", "uncontrolled_chronic", "recent_covid", "pregnancy",
    "allergy_history", "recent_other_vaccine", "other",
)  # fmt: skip
NO_REASON = ""  # the mart's code when the platform recorded no reason
MIN_SCREENED = 30  # fewer screenings than this make a site's rate noise
TREND_WEEKS = 12

TOTAL_COLUMNS = [*COUNTS, "deferrals", "deferral_rate"]
AREA_COLUMNS = ["area_code", "level", "name", "district_name", *TOTAL_COLUMNS]
SITE_COLUMNS = [
    "facility_id", "name", "commune_code", "commune_name", "district_code", "district_name",
    *TOTAL_COLUMNS, "main_reason",
]  # fmt: skip


def _read(conn: sa.Connection, sql: str, params: dict) -> pd.DataFrame:
    return pd.read_sql_query(sa.text(sql), conn, params=params)


def _with_rate(df: pd.DataFrame) -> pd.DataFrame:
    df[COUNTS] = df[COUNTS].fillna(0).astype("int64")
    df["deferrals"] = df["deferred"] + df["contraindicated"] + df["referred"]
    df["deferral_rate"] = measures.ratio(df["deferrals"], df["screened"])
    return df


def result_rates(df: pd.DataFrame) -> pd.DataFrame:
    """Each screening result over the screened visits of each row of a frame of counts (NaN
    where nobody was screened): one column per result, in RESULTS order."""
    return pd.DataFrame({r: measures.ratio(df[r], df["screened"]) for r in RESULTS})


def ranked_areas(areas: pd.DataFrame) -> pd.DataFrame:
    """The areas of `by_area` that screened anyone, highest deferral rate first (then the most
    screened)."""
    shown = areas[areas["screened"] > 0]
    return shown.sort_values(["deferral_rate", "screened"], ascending=[False, False])


def _sums(alias: str = "m") -> str:
    return ", ".join(f"SUM({alias}.{c}) AS {c}" for c in COUNTS)


def totals(conn: sa.Connection, scope: Scope, period: Period) -> pd.DataFrame:
    """One row: screened, deferred, contraindicated, referred, deferrals (their sum) and the
    deferral rate (NaN when nobody was screened) for the scope and period."""
    where, params = scope.facility_filter("f")
    df = _read(
        conn,
        f"SELECT {_sums()} FROM mart_session_day m "
        f"JOIN facility f ON f.facility_id = m.facility_id "
        f"WHERE {where} AND m.date BETWEEN :start AND :end",
        {**params, **period.params()},
    )
    return _with_rate(df)[TOTAL_COLUMNS]


def by_reason(conn: sa.Connection, scope: Scope, period: Period) -> pd.DataFrame:
    """Visits not found eligible by screening result and deferral reason, with the rate of each
    over everyone screened in the scope and period.

    Columns: screening_result, deferral_reason ('' when none was recorded), visits, rate.
    """
    where, params = scope.facility_filter("f")
    p = {**params, **period.params()}
    df = _read(
        conn,
        "SELECT m.screening_result, m.deferral_reason, SUM(m.visits) AS visits "
        "FROM mart_screening_day m JOIN facility f ON f.facility_id = m.facility_id "
        f"WHERE {where} AND m.date BETWEEN :start AND :end "
        "GROUP BY m.screening_result, m.deferral_reason",
        p,
    )
    screened = totals(conn, scope, period)["screened"].iloc[0]
    df["deferral_reason"] = df["deferral_reason"].fillna(NO_REASON)
    df["visits"] = df["visits"].astype("int64")
    df["rate"] = measures.ratio(df["visits"], screened)
    df = df[df["visits"] > 0]
    return df.sort_values(
        ["visits", "screening_result", "deferral_reason"], ascending=[False, True, True]
    ).reset_index(drop=True)[["screening_result", "deferral_reason", "visits", "rate"]]


def by_area(conn: sa.Connection, scope: Scope, period: Period) -> pd.DataFrame:
    """Screening outcomes one level below the scope: by district for the province, by commune
    for a district, by site for a commune (the site alone for a site).

    Every area of that level appears (zero when it had no sessions). Columns: area_code, level
    (district, commune or facility), name, district_name, the counts and the deferral rate.
    """
    where, params = scope.facility_filter("f")
    p = {**params, **period.params()}
    level = scope.child_level or "facility"  # a site: the site alone
    column = {"district": "district_code", "commune": "commune_code"}.get(level, "facility_id")
    counts = _read(
        conn,
        f"SELECT f.{column} AS area_code, {_sums()} FROM mart_session_day m "
        f"JOIN facility f ON f.facility_id = m.facility_id "
        f"WHERE {where} AND m.date BETWEEN :start AND :end GROUP BY f.{column}",
        p,
    )
    names = dimensions.children(conn, scope, level)
    df = names.merge(counts, on="area_code", how="left")
    df["level"] = level
    df = _with_rate(df)
    return df.sort_values("area_code").reset_index(drop=True)[AREA_COLUMNS]


def weekly(
    conn: sa.Connection, scope: Scope, period: Period, weeks: int = TREND_WEEKS
) -> pd.DataFrame:
    """Screening outcomes in the `weeks` ISO weeks (Monday to Sunday) up to the one holding the
    period end, oldest first; the last week stops at the period end. Columns: week_start (the
    Monday), week_end, the counts and the deferral rate (NaN for a week without screenings)."""
    where, params = scope.facility_filter("f")
    first = periods.trend_mondays(period.end, weeks)[0]
    df = _read(
        conn,
        f"SELECT m.date, {_sums()} FROM mart_session_day m "
        f"JOIN facility f ON f.facility_id = m.facility_id "
        f"WHERE {where} AND m.date BETWEEN :first AND :end GROUP BY m.date",
        {**params, "first": first, "end": period.end},
    )
    out = periods.weekly_trend(df.fillna(0), "date", period.end, weeks)
    out["week_start"] = pd.to_datetime(out["week_start"])
    out["week_end"] = pd.to_datetime(out["week_end"])
    return _with_rate(out)[["week_start", "week_end", *TOTAL_COLUMNS]]


def top_sites(
    conn: sa.Connection,
    scope: Scope,
    period: Period,
    min_screened: int = MIN_SCREENED,
    limit: int = 15,
) -> pd.DataFrame:
    """The sites of the scope with the highest deferral rates among those that screened at
    least `min_screened` people in the period (highest rate first, then most deferrals), with
    the most frequent reason for not vaccinating ('' when none was recorded).
    """
    where, params = scope.facility_filter("f")
    p = {**params, **period.params()}
    df = _read(
        conn,
        f"SELECT f.facility_id, f.name, f.commune_code, c.name AS commune_name, "
        f"f.district_code, d.name AS district_name, {_sums()} FROM mart_session_day m "
        "JOIN facility f ON f.facility_id = m.facility_id "
        "LEFT JOIN area c ON c.area_code = f.commune_code "
        "LEFT JOIN area d ON d.area_code = f.district_code "
        f"WHERE {where} AND m.date BETWEEN :start AND :end "
        "GROUP BY f.facility_id, f.name, f.commune_code, c.name, f.district_code, d.name",
        p,
    )
    df = _with_rate(df)
    df = df[df["screened"] >= min_screened]
    df = df.sort_values(
        ["deferral_rate", "deferrals", "facility_id"], ascending=[False, False, True]
    ).head(limit)
    reasons = _read(
        conn,
        "SELECT m.facility_id, m.deferral_reason, SUM(m.visits) AS visits "
        "FROM mart_screening_day m JOIN facility f ON f.facility_id = m.facility_id "
        f"WHERE {where} AND m.date BETWEEN :start AND :end "
        "GROUP BY m.facility_id, m.deferral_reason",
        p,
    )
    reasons["deferral_reason"] = reasons["deferral_reason"].fillna(NO_REASON)
    reasons = reasons[reasons["facility_id"].isin(df["facility_id"])]
    main = (
        reasons.sort_values(["facility_id", "visits", "deferral_reason"], ascending=[1, 0, 1])
        .drop_duplicates("facility_id")
        .set_index("facility_id")["deferral_reason"]
    )
    df["main_reason"] = df["facility_id"].map(main).fillna(NO_REASON)
    return df.reset_index(drop=True)[SITE_COLUMNS]
