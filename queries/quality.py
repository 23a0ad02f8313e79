"""Data quality ("Chất lượng dữ liệu"): ETL runs, rejected rows, sites late on a planned day (no
visit or no stock report), sites with unusable coordinates, and doses in visits against doses
declared in stock reports."""

from __future__ import annotations

import json

import pandas as pd
import sqlalchemy as sa

from queries.measures import ratio
from queries.scope import Period, Scope

RUNS_SHOWN = 50
REJECT_ROWS_SHOWN = 500
# Pseudonyms: they identify nobody to an official and are never shown.
HIDDEN_COLUMNS = ("citizen_key", "person_key")


def _read(conn: sa.Connection, sql: str, params: dict | None = None) -> pd.DataFrame:
    return pd.read_sql_query(sa.text(sql), conn, params=params or {})


def reason_kind(reason: str) -> str:
    """The kind of a reject reason: the text before the quoted value ("unknown facility_id
    'F9'" -> "unknown facility_id"; "quantity_doses must be positive, got '0'" -> "quantity_doses
    must be positive")."""
    return str(reason).split(" '")[0].split(", got")[0].strip()


def reason_value(reason: str) -> str:
    """The offending value a reason quotes ("unknown facility_id 'F9'" -> "F9"; "" for none)."""
    text = str(reason)
    if " '" not in text:
        return ""
    return text.split(" '", 1)[1].removesuffix("'")


def etl_runs(conn: sa.Connection, limit: int = RUNS_SHOWN) -> pd.DataFrame:
    """The latest ETL runs, newest first: run_id, started_at, finished_at (UTC), status,
    platform_high_water, rows_extracted, rows_loaded, rows_rejected, seconds, error."""
    df = _read(
        conn,
        "SELECT run_id, started_at, finished_at, status, platform_high_water, rows_extracted, "
        "rows_loaded, rows_rejected, seconds, error FROM etl_run ORDER BY run_id DESC "
        "LIMIT :limit",
        {"limit": int(limit)},
    )
    for col in ("started_at", "finished_at", "platform_high_water"):
        df[col] = pd.to_datetime(df[col], utc=True, format="mixed")
    for col in ("rows_extracted", "rows_loaded", "rows_rejected"):
        df[col] = pd.to_numeric(df[col]).astype("Int64")
    df["seconds"] = pd.to_numeric(df["seconds"]).astype("float64")
    return df


def reject_summary(conn: sa.Connection) -> pd.DataFrame:
    """Rejected rows by source table and kind of reason: open (not yet loaded by a later run)
    and resolved counts. Columns: source_table, kind, open, resolved; most open first."""
    df = _read(
        conn,
        "SELECT source_table, reason, "
        "SUM(CASE WHEN resolved_run_id IS NULL THEN 1 ELSE 0 END) AS open_rows, "
        "SUM(CASE WHEN resolved_run_id IS NULL THEN 0 ELSE 1 END) AS resolved_rows "
        "FROM etl_reject GROUP BY source_table, reason",
    )
    if df.empty:
        return pd.DataFrame(
            {
                "source_table": pd.Series(dtype="object"),
                "kind": pd.Series(dtype="object"),
                "open": pd.Series(dtype="int64"),
                "resolved": pd.Series(dtype="int64"),
            }
        )
    df["kind"] = df["reason"].map(reason_kind)
    out = (
        df.groupby(["source_table", "kind"], as_index=False)[["open_rows", "resolved_rows"]]
        .sum()
        .rename(columns={"open_rows": "open", "resolved_rows": "resolved"})
    )
    out[["open", "resolved"]] = out[["open", "resolved"]].astype("int64")
    return out.sort_values(["open", "source_table", "kind"], ascending=[False, True, True])[
        ["source_table", "kind", "open", "resolved"]
    ].reset_index(drop=True)


def reject_rows(
    conn: sa.Connection, source_table: str, limit: int = REJECT_ROWS_SHOWN
) -> pd.DataFrame:
    """The open rejected rows of one source table (at most `limit`), each row's stored fields
    parsed from row_json, without the pseudonymous person keys. Leading columns: source_pk,
    kind, value (the offending value), reason, first_run_id, last_run_id."""
    df = _read(
        conn,
        "SELECT source_pk, reason, row_json, first_run_id, last_run_id FROM etl_reject "
        "WHERE source_table = :t AND resolved_run_id IS NULL ORDER BY reason, source_pk "
        "LIMIT :limit",
        {"t": source_table, "limit": int(limit)},
    )
    lead = ["source_pk", "kind", "value", "reason", "first_run_id", "last_run_id"]
    if df.empty:
        return pd.DataFrame(columns=lead)
    df["kind"] = df["reason"].map(reason_kind)
    df["value"] = df["reason"].map(reason_value)
    fields = pd.DataFrame([json.loads(text) for text in df["row_json"]], index=df.index)
    fields = fields.drop(columns=[c for c in fields.columns if c in HIDDEN_COLUMNS or c in lead])
    return pd.concat([df[lead], fields], axis=1).reset_index(drop=True)


LATE_COLUMNS = [
    "facility_id", "name", "commune_name", "district_name", "date", "planned_doses", "no_visits",
    "no_stock_report", "missing",
]  # fmt: skip


def late_sites(conn: sa.Connection, scope: Scope, period: Period) -> pd.DataFrame:
    """Active sites of the scope with an approved plan on a day of the period and, that day, no
    visit or no stock report (METRICS.md "late sites"). A site reported its stock on a day when
    one of its stores declared a figure for any vaccine that day.

    One row per site and day: facility_id, name, commune_name, district_name, date,
    planned_doses, no_visits, no_stock_report (booleans) and missing ("visits", "stock_report"
    or "both"); latest day first, then by district and site name.
    """
    where, params = scope.facility_filter("f")
    declared = " OR ".join(
        f"m.declared_{c} IS NOT NULL" for c in ("received", "administered", "remaining")
    )
    df = _read(
        conn,
        f"""
        WITH planned AS (
            SELECT p.facility_id, p.date, SUM(p.planned_doses) AS planned_doses
            FROM mart_plan_day p JOIN facility f ON f.facility_id = p.facility_id
            WHERE {where} AND p.date BETWEEN :start AND :end AND (f.active IS NULL OR f.active)
            GROUP BY p.facility_id, p.date
        ),
        visited AS (
            SELECT s.facility_id, s.date FROM mart_session_day s
            JOIN facility f ON f.facility_id = s.facility_id
            WHERE {where} AND s.date BETWEEN :start AND :end AND s.checked_in > 0
        ),
        reported AS (
            SELECT DISTINCT st.facility_id, m.date FROM mart_stock_day m
            JOIN store st ON st.store_id = m.store_id
            JOIN facility f ON f.facility_id = st.facility_id
            WHERE {where} AND m.date BETWEEN :start AND :end AND ({declared})
        )
        SELECT p.facility_id, f.name, c.name AS commune_name, d.name AS district_name, p.date,
               p.planned_doses,
               CASE WHEN v.facility_id IS NULL THEN 1 ELSE 0 END AS no_visits,
               CASE WHEN r.facility_id IS NULL THEN 1 ELSE 0 END AS no_stock_report
        FROM planned p
        JOIN facility f ON f.facility_id = p.facility_id
        LEFT JOIN area c ON c.area_code = f.commune_code
        LEFT JOIN area d ON d.area_code = f.district_code
        LEFT JOIN visited v ON v.facility_id = p.facility_id AND v.date = p.date
        LEFT JOIN reported r ON r.facility_id = p.facility_id AND r.date = p.date
        WHERE v.facility_id IS NULL OR r.facility_id IS NULL
        ORDER BY p.date DESC, d.name, f.name, p.facility_id
        """,
        {**params, **period.params()},
    )
    df["date"] = pd.to_datetime(df["date"]).dt.date
    df["planned_doses"] = pd.to_numeric(df["planned_doses"]).fillna(0).astype("int64")
    for c in ("no_visits", "no_stock_report"):
        df[c] = df[c].astype(bool)
    df["missing"] = "both"
    df.loc[~df["no_stock_report"], "missing"] = "visits"
    df.loc[~df["no_visits"], "missing"] = "stock_report"
    return df.reset_index(drop=True)[LATE_COLUMNS]


def bad_coordinates(conn: sa.Connection, scope: Scope, period: Period) -> pd.DataFrame:
    """Sites of the scope whose coordinates are missing or outside the province (the period is
    not used: coordinates have no date). Columns: facility_id, name, commune_name,
    district_name, coordinate_status, latitude, longitude, active."""
    where, params = scope.facility_filter("f")
    df = _read(
        conn,
        f"""
        SELECT f.facility_id, f.name, c.name AS commune_name, d.name AS district_name,
               f.coordinate_status, f.latitude, f.longitude, f.active
        FROM facility f
        LEFT JOIN area c ON c.area_code = f.commune_code
        LEFT JOIN area d ON d.area_code = f.district_code
        WHERE {where} AND f.coordinate_status <> 'ok'
        ORDER BY f.coordinate_status, d.name, f.name
        """,
        params,
    )
    df["active"] = df["active"].fillna(True).astype(bool)
    return df


def dose_reconciliation(conn: sa.Connection, scope: Scope, period: Period) -> pd.DataFrame:
    """Doses administered from visits against doses declared administered in the stock reports
    of the facility stores, and the stock ledger's administered, by district of the scope.

    Columns: district_code, name, visit_doses, declared_doses, ledger_doses, gap (declared -
    visits), gap_rate (gap / visit doses; NaN without visit doses). Districts with none of the
    three are left out.
    """
    where, params = scope.facility_filter("f")
    df = _read(
        conn,
        f"""
        WITH v AS (
            SELECT f.district_code, SUM(m.doses) AS visit_doses
            FROM mart_dose_day m JOIN facility f ON f.facility_id = m.facility_id
            WHERE {where} AND m.date BETWEEN :start AND :end
            GROUP BY f.district_code
        ),
        s AS (
            SELECT f.district_code, SUM(COALESCE(m.declared_administered, 0)) AS declared_doses,
                   SUM(m.administered) AS ledger_doses
            FROM mart_stock_day m
            JOIN store st ON st.store_id = m.store_id
            JOIN facility f ON f.facility_id = st.facility_id
            WHERE {where} AND m.date BETWEEN :start AND :end
            GROUP BY f.district_code
        )
        SELECT a.area_code AS district_code, a.name, v.visit_doses, s.declared_doses,
               s.ledger_doses
        FROM area a
        LEFT JOIN v ON v.district_code = a.area_code
        LEFT JOIN s ON s.district_code = a.area_code
        WHERE a.area_level = 'district'
          AND (v.district_code IS NOT NULL OR s.district_code IS NOT NULL)
        ORDER BY a.name
        """,
        {**params, **period.params()},
    )
    for col in ("visit_doses", "declared_doses", "ledger_doses"):
        df[col] = pd.to_numeric(df[col]).fillna(0).astype("int64")
    df["gap"] = df["declared_doses"] - df["visit_doses"]
    df["gap_rate"] = ratio(df["gap"], df["visit_doses"])
    return df


def late_site_count(late: pd.DataFrame) -> int:
    """The number of late sites (METRICS.md "late sites") in `late_sites`' rows: distinct
    sites, however many of their planned days they missed."""
    return int(late["facility_id"].nunique())


def total_gap_rate(recon: pd.DataFrame) -> float | None:
    """The gap of `dose_reconciliation`'s rows taken together: (declared - visits) / visits;
    None without visit doses."""
    return ratio(int(recon["gap"].sum()), int(recon["visit_doses"].sum()))


def beside_district(
    own: pd.DataFrame, district: pd.DataFrame, code: str, name: str
) -> pd.DataFrame:
    """The reconciliation of a commune or a site (`own`: `dose_reconciliation` for that scope,
    whose single row carries its district's code and name) as a row of its own named `name`,
    after its district's row (`district`: `dose_reconciliation` for the district), so that
    the district keeps its own figure. Columns: code, name and the measures."""
    measures = ["visit_doses", "declared_doses", "ledger_doses", "gap"]
    mine = pd.DataFrame([{"code": code, "name": name, **own[measures].sum().to_dict()}])
    rows = pd.concat(
        [district.rename(columns={"district_code": "code"})[["code", "name", *measures]], mine],
        ignore_index=True,
    )
    rows[measures] = rows[measures].astype("int64")
    rows["gap_rate"] = ratio(rows["gap"], rows["visit_doses"])
    return rows
