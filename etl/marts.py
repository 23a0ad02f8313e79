"""Rebuilding mart rows from the core tables, everywhere or only where a load touched them.

Touched keys live in temporary tables filled during the load (etl/touched.py). With
`full=True` the marts are rebuilt from scratch and the key tables are ignored.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pandas as pd
import sqlalchemy as sa

from etl.load import upsert
from etl.marts_memory import facility_day_marts
from etl.sqlutil import create_temp_table, read_frame
from etl.touched import create_key_tables  # noqa: F401 (re-exported)
from warehouse import schema


def _in_touched_fd(fac: str, day: str) -> str:
    # A row-value IN: SQLite looks the keys up in the table's index on them, if it has one.
    return f"({fac}, {day}) IN (SELECT facility_id, date FROM touched_fd)"


def touched_any(conn: sa.Connection, table: str) -> bool:
    """Whether the load touched any key of the temporary key table `table`."""
    return conn.exec_driver_sql(f"SELECT 1 FROM {table} LIMIT 1").first() is not None


def _rebuild(conn: sa.Connection, mart: str, delete_where: str, insert_sql: str) -> None:
    conn.exec_driver_sql(f"DELETE FROM {mart}{delete_where}")
    conn.exec_driver_sql(insert_sql)


def rebuild_facility_day_marts(
    conn: sa.Connection, full: bool, computed: dict[str, pd.DataFrame] | None = None
) -> None:
    """The visit-grain marts (rebuild_report_marts does the AEFI and plan marts), computed by
    their one definition (etl/marts_memory.py) from visit and certificate frames: on a full
    load `computed` from the load's own frames, else from the rows read back here (every
    row, or those of the touched facility-days)."""
    if computed is not None:
        for mart, rows in computed.items():
            conn.exec_driver_sql(f"DELETE FROM {mart}")
            upsert(conn, schema.metadata.tables[mart], rows)
    elif full:
        visit, certificate = _read_visit_frames(conn, None)
        for mart, rows in facility_day_marts(visit, certificate, _unit(conn)).items():
            conn.exec_driver_sql(f"DELETE FROM {mart}")
            upsert(conn, schema.metadata.tables[mart], rows)
    else:
        _rebuild_touched_visit_marts(conn)
    _running_backlog(conn, full)


def _unit(conn: sa.Connection) -> str:
    """What the warehouse keeps of a timestamp: microseconds, or seconds on SQLite."""
    return "us" if conn.dialect.name == "postgresql" else "s"


def _rebuild_touched_visit_marts(conn: sa.Connection) -> None:
    """The visit-grain mart rows of the touched facility-days, from every visit and
    certificate they count: the visits of those days, and the visits whose unrevoked
    certificates were issued on them (with all their certificates, for the first one)."""
    create_temp_table(conn, "mart_visit", {"visit_id": "TEXT"})
    # Driven from the key tables (CROSS JOIN keeps that order on SQLite, see etl/touched.py);
    # the certificates of each touched day are read once, not once per facility.
    conn.exec_driver_sql(
        "INSERT INTO mart_visit SELECT v.visit_id FROM touched_fd t CROSS JOIN visit v "
        "WHERE v.session_date = t.date AND v.facility_id = t.facility_id ON CONFLICT DO NOTHING"
    )
    # The unrevoked certificates of the touched days first, then their visits (for the
    # facility): in one query PostgreSQL would look each day's certificates up once per key.
    drop = " ON COMMIT DROP" if conn.dialect.name == "postgresql" else ""
    if drop:
        conn.exec_driver_sql("ANALYZE mart_visit")
    conn.exec_driver_sql("DROP TABLE IF EXISTS day_certificate")
    conn.exec_driver_sql(
        f"CREATE TEMP TABLE day_certificate{drop} AS SELECT c.visit_id, c.issued_date "
        "FROM (SELECT DISTINCT date FROM touched_fd) d CROSS JOIN certificate c "
        "WHERE c.issued_date = d.date AND c.revoked_at IS NULL "
        # (those of the visits already listed need no look-up of their facility)
        "AND NOT EXISTS (SELECT 1 FROM mart_visit m WHERE m.visit_id = c.visit_id)"
    )
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("ANALYZE day_certificate")
    # Each certificate's visit by its key: PostgreSQL would rather hash the whole visit table
    # (4 million rows: 2 s on the whole province, against 1 s by key).
    with _joins_by_key(conn):
        conn.exec_driver_sql(
            "INSERT INTO mart_visit SELECT DISTINCT c.visit_id FROM day_certificate c "
            "CROSS JOIN visit v WHERE v.visit_id = c.visit_id AND (v.facility_id, c.issued_date) "
            "IN (SELECT facility_id, date FROM touched_fd) ON CONFLICT DO NOTHING"
        )
    keys = read_frame(conn, "SELECT facility_id, date FROM touched_fd")
    keys["date"] = pd.to_datetime(keys["date"], format="ISO8601").to_numpy("datetime64[D]")
    visit, certificate = _read_visit_frames(conn, "mart_visit")
    computed = facility_day_marts(visit, certificate, _unit(conn))
    for mart, rows in computed.items():
        conn.exec_driver_sql(
            f"DELETE FROM {mart} WHERE (facility_id, date) IN "
            "(SELECT facility_id, date FROM touched_fd)"
        )
        rows = rows.assign(date=rows["date"].to_numpy("datetime64[D]"))
        upsert(conn, schema.metadata.tables[mart], rows.merge(keys, on=["facility_id", "date"]))


@contextmanager
def _joins_by_key(conn: sa.Connection) -> Iterator[None]:
    """Within it, PostgreSQL plans join by index look-ups only (no hash or merge joins)."""
    if conn.dialect.name != "postgresql":
        yield
        return
    joins = ("enable_hashjoin", "enable_mergejoin")
    before = {j: conn.exec_driver_sql(f"SELECT current_setting('{j}')").scalar() for j in joins}
    for join in joins:
        conn.exec_driver_sql(f"SELECT set_config('{join}', 'off', true)")
    try:
        yield
    finally:
        for join, value in before.items():
            conn.execute(sa.text("SELECT set_config(:n, :v, true)"), {"n": join, "v": value})


_VISIT_TIMES = ("checked_in_at", "screened_at", "injected_at", "observed_until", "recorded_at")


def _read_visit_frames(conn: sa.Connection, among: str | None) -> tuple[pd.DataFrame, ...]:
    """The visits (all, or those listed in the temporary table `among`) and their
    certificates, typed as a load's frames are."""
    join = " CROSS JOIN visit v WHERE v.visit_id = m.visit_id" if among else ""
    visit = read_frame(
        conn,
        "SELECT v.visit_id, v.facility_id, v.session_date, v.status, v.screening_result, "
        "v.deferral_reason, v.vaccine_code, v.dose_number, v.dose_kind, "
        f"v.immediate_reaction, {', '.join('v.' + c for c in _VISIT_TIMES)} "
        + (f"FROM {among} m{join}" if among else "FROM visit v"),
    )
    certificate = read_frame(
        conn,
        "SELECT c.visit_id, c.issued_at, c.issued_date, c.revoked_at "
        + (
            f"FROM {among} m CROSS JOIN certificate c WHERE c.visit_id = m.visit_id"
            if among
            else "FROM certificate c"
        ),
    )
    for column in _VISIT_TIMES:
        visit[column] = _timestamps(visit[column])
    visit["session_date"] = pd.to_datetime(visit["session_date"], format="ISO8601")
    visit["dose_number"] = pd.to_numeric(visit["dose_number"]).astype("Int64")
    for column in ("issued_at", "revoked_at"):
        certificate[column] = _timestamps(certificate[column])
    certificate["issued_date"] = pd.to_datetime(certificate["issued_date"], format="ISO8601")
    return visit, certificate


def _timestamps(s: pd.Series) -> pd.Series:
    return pd.to_datetime(s, utc=True, format="ISO8601")


def _where(full: bool):
    def where(fac: str, day: str, extra: str) -> str:
        cond = [extra] if extra else []
        if not full:
            cond.append(_in_touched_fd(fac, day))
        return (" WHERE " + " AND ".join(cond)) if cond else ""

    def delete_where(mart: str) -> str:
        return "" if full else " WHERE " + _in_touched_fd(f"{mart}.facility_id", f"{mart}.date")

    return where, delete_where


def rebuild_report_marts(conn: sa.Connection, full: bool, few_reports: bool = False) -> None:
    """mart_aefi_day and mart_plan_day (small inputs, always in SQL).

    `few_reports`: the AEFI reports are few beside the visits (a full load knows). PostgreSQL
    then looks up each report's visit by its key rather than reading every visit (after a
    full load it has no statistics of the visits yet, and would read them all: 0.9 s against
    0.3 s on the whole province)."""
    where, delete_where = _where(full)
    pg = conn.dialect.name == "postgresql"
    reports = "aefi_report a JOIN visit v ON v.visit_id = a.visit_id"
    if not full:
        # The reports of the touched days (by their onset day's index), then their visits.
        reports = (
            "(SELECT DISTINCT date FROM touched_fd) d CROSS JOIN aefi_report a "
            "JOIN visit v ON v.visit_id = a.visit_id AND a.onset_date = d.date"
        )
    seqscan = None
    if few_reports and pg:
        seqscan = conn.exec_driver_sql("SELECT current_setting('enable_seqscan')").scalar()
        conn.exec_driver_sql("SELECT set_config('enable_seqscan', 'off', true)")
    _rebuild(
        conn,
        "mart_aefi_day",
        delete_where("mart_aefi_day"),
        f"""
        INSERT INTO mart_aefi_day
        SELECT v.facility_id, a.onset_date, COALESCE(v.vaccine_code, ''),
               COALESCE(v.lot_number, ''), a.severity, COALESCE(a.outcome, ''),
               COALESCE(a.channel, ''), COUNT(*)
        FROM {reports}
        {where("v.facility_id", "a.onset_date", "v.status = 'active'")}
        GROUP BY v.facility_id, a.onset_date, COALESCE(v.vaccine_code, ''),
                 COALESCE(v.lot_number, ''), a.severity, COALESCE(a.outcome, ''),
                 COALESCE(a.channel, '')
        """,
    )
    if seqscan is not None:
        conn.execute(sa.text("SELECT set_config('enable_seqscan', :v, true)"), {"v": seqscan})
    _rebuild(
        conn,
        "mart_plan_day",
        delete_where("mart_plan_day"),
        f"""
        INSERT INTO mart_plan_day
        SELECT p.facility_id, p.session_date, COALESCE(p.vaccine_code, ''),
               SUM(COALESCE(p.planned_doses, 0)), COUNT(*)
        FROM vaccination_plan p{where("p.facility_id", "p.session_date", "p.status = 'approved'")}
        GROUP BY p.facility_id, p.session_date, COALESCE(p.vaccine_code, '')
        """,
    )


def _running_backlog(conn: sa.Connection, full: bool) -> None:
    """mart_certificate_day.backlog, each facility's running total. After an incremental
    rebuild only the rows from each touched facility's first touched day change; they start
    from the total of the rows before (which the rebuild left as they were):
    backlog(D) = sum of backlog_in over days < D - sum of backlog_out over days <= D."""
    window = "PARTITION BY m.facility_id ORDER BY m.date ROWS BETWEEN UNBOUNDED PRECEDING AND"
    running = (
        f"COALESCE(SUM(m.backlog_in) OVER ({window} 1 PRECEDING), 0) "
        f"- SUM(m.backlog_out) OVER ({window} CURRENT ROW)"
    )
    if full:
        rows = f"SELECT m.facility_id, m.date, {running} AS backlog FROM mart_certificate_day m"
    else:
        conn.exec_driver_sql("DROP TABLE IF EXISTS backlog_from")
        drop = " ON COMMIT DROP" if conn.dialect.name == "postgresql" else ""
        conn.exec_driver_sql(
            f"CREATE TEMP TABLE backlog_from{drop} AS SELECT f.facility_id, f.start, "
            "(SELECT COALESCE(SUM(p.backlog_in - p.backlog_out), 0) FROM mart_certificate_day p "
            "WHERE p.facility_id = f.facility_id AND p.date < f.start) AS base "
            "FROM (SELECT facility_id, MIN(date) AS start FROM touched_fd GROUP BY facility_id) f"
        )
        rows = (
            f"SELECT m.facility_id, m.date, f.base + {running} AS backlog "
            "FROM backlog_from f CROSS JOIN mart_certificate_day m "
            "WHERE m.facility_id = f.facility_id AND m.date >= f.start"
        )
    conn.exec_driver_sql(
        f"""
        UPDATE mart_certificate_day SET backlog = r.backlog FROM ({rows}) r
        WHERE mart_certificate_day.facility_id = r.facility_id
          AND mart_certificate_day.date = r.date
        """
    )


def rebuild_stock_marts(conn: sa.Connection, full: bool) -> None:
    """The stock marts (METRICS.md "Stock"). Incrementally, a touched series is rebuilt from
    its earliest changed day on, its running on-hand continuing from the mart's last row
    before that day; the waste and transfer marts, which have no running sum, on the changed
    days only."""
    if not full:
        create_temp_table(
            conn, "touched_sv_from", {"store_id": "TEXT", "vaccine_code": "TEXT", "day": "DATE"}
        )
        conn.exec_driver_sql(
            "INSERT INTO touched_sv_from SELECT store_id, vaccine_code, MIN(date) "
            "FROM touched_sv GROUP BY store_id, vaccine_code"
        )
    _rebuild_stock_day(conn, full)
    days = "(SELECT store_id, vaccine_code, date FROM touched_sv)"
    waste_where = " WHERE s.txn_type = 'wasted'"
    if not full:
        waste_where += f" AND (s.store_id, s.vaccine_code, s.txn_date) IN {days}"
    _rebuild(
        conn,
        "mart_stock_waste_day",
        "" if full else f" WHERE (store_id, vaccine_code, date) IN {days}",
        f"""
        INSERT INTO mart_stock_waste_day
        SELECT s.store_id, s.vaccine_code, s.txn_date, COALESCE(s.waste_reason, ''),
               SUM(s.quantity_doses)
        FROM stock_transaction s{waste_where}
        GROUP BY s.store_id, s.vaccine_code, s.txn_date, COALESCE(s.waste_reason, '')
        """,
    )
    _rebuild_transfers(conn, full)


def _rebuild_stock_day(conn: sa.Connection, full: bool) -> None:
    if full:
        txn, rep, delete, base_join, base = "stock_transaction s", "stock_report r", "", "", "0"
    else:
        # From the small key table (CROSS JOIN keeps SQLite's join order) into each series'
        # rows from its first changed day, through the (store, vaccine, day) indexes.
        series = "touched_sv_from t CROSS JOIN "
        txn = (
            f"{series}stock_transaction s WHERE s.store_id = t.store_id "
            "AND s.vaccine_code = t.vaccine_code AND s.txn_date >= t.day"
        )
        rep = (
            f"{series}stock_report r WHERE r.store_id = t.store_id "
            "AND r.vaccine_code = t.vaccine_code AND r.report_date >= t.day"
        )
        delete = (
            " WHERE EXISTS (SELECT 1 FROM touched_sv_from t WHERE t.store_id = "
            "mart_stock_day.store_id AND t.vaccine_code = mart_stock_day.vaccine_code "
            "AND mart_stock_day.date >= t.day)"
        )
        # What the series held at the end of its last day before the change (the mart's
        # rows from that day on are deleted first).
        base_join = """
        JOIN (SELECT t.store_id, t.vaccine_code, COALESCE((
                SELECT m.on_hand FROM mart_stock_day m
                WHERE m.store_id = t.store_id AND m.vaccine_code = t.vaccine_code
                  AND m.date < t.day ORDER BY m.date DESC LIMIT 1), 0) AS on_hand
              FROM touched_sv_from t) b
          ON b.store_id = d.store_id AND b.vaccine_code = d.vaccine_code"""
        base = "b.on_hand"
    flows = f"""
      SELECT s.store_id, s.vaccine_code, s.txn_date AS date,
        SUM(CASE WHEN s.txn_type IN ('receipt', 'transfer_in') THEN s.quantity_doses ELSE 0 END)
          AS received,
        SUM(CASE WHEN s.txn_type = 'transfer_out' THEN s.quantity_doses ELSE 0 END) AS issued_out,
        SUM(CASE WHEN s.txn_type = 'administered' THEN s.quantity_doses ELSE 0 END)
          AS administered,
        SUM(CASE WHEN s.txn_type = 'wasted' THEN s.quantity_doses ELSE 0 END) AS wasted,
        SUM(CASE WHEN s.txn_type = 'adjustment' THEN s.quantity_doses ELSE 0 END) AS adjustment
      FROM {txn}
      GROUP BY s.store_id, s.vaccine_code, s.txn_date"""
    reports = f"""
      SELECT store_id, vaccine_code, report_date AS date, received_doses, administered_doses,
             remaining_doses
      FROM (
        SELECT r.*, ROW_NUMBER() OVER (
          PARTITION BY r.store_id, r.vaccine_code, r.report_date
          ORDER BY CASE WHEN r.submitted_at IS NULL THEN 1 ELSE 0 END, r.submitted_at DESC,
                   r.updated_at DESC, r.report_id DESC) AS rn
        FROM {rep}
      ) ranked WHERE rn = 1"""
    _rebuild(
        conn,
        "mart_stock_day",
        delete,
        f"""
        INSERT INTO mart_stock_day
        WITH flows AS ({flows}), reports AS ({reports}),
        days AS (SELECT store_id, vaccine_code, date FROM flows
                 UNION SELECT store_id, vaccine_code, date FROM reports)
        SELECT d.store_id, d.vaccine_code, d.date,
          COALESCE(f.received, 0), COALESCE(f.issued_out, 0), COALESCE(f.administered, 0),
          COALESCE(f.wasted, 0), COALESCE(f.adjustment, 0),
          {base} + SUM(COALESCE(f.received, 0) - COALESCE(f.issued_out, 0)
              - COALESCE(f.administered, 0) - COALESCE(f.wasted, 0) + COALESCE(f.adjustment, 0))
            OVER (PARTITION BY d.store_id, d.vaccine_code ORDER BY d.date
                  ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW),
          r.received_doses, r.administered_doses, r.remaining_doses
        FROM days d{base_join}
        LEFT JOIN flows f ON f.store_id = d.store_id AND f.vaccine_code = d.vaccine_code
                         AND f.date = d.date
        LEFT JOIN reports r ON r.store_id = d.store_id AND r.vaccine_code = d.vaccine_code
                           AND r.date = d.date
        """,
    )


def _rebuild_transfers(conn: sa.Connection, full: bool) -> None:
    """mart_transfer_day from the receivers' `transfer_in` rows: a receiver's changed days are
    rebuilt, like the waste mart's."""
    days = "(SELECT store_id, vaccine_code, date FROM touched_sv)"
    touched = "" if full else f" AND (s.store_id, s.vaccine_code, s.txn_date) IN {days}"
    delete = "" if full else f" WHERE (to_store_id, vaccine_code, date) IN {days}"
    _rebuild(
        conn,
        "mart_transfer_day",
        delete,
        f"""
        INSERT INTO mart_transfer_day
        SELECT s.store_id, s.vaccine_code, s.txn_date, COALESCE(s.counterparty_store_id, ''),
               SUM(s.quantity_doses)
        FROM stock_transaction s WHERE s.txn_type = 'transfer_in'{touched}
        GROUP BY s.store_id, s.vaccine_code, s.txn_date, COALESCE(s.counterparty_store_id, '')
        """,
    )
