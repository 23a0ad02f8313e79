"""What the warehouse holds: last runs, data as of, row counts, open rejects."""

from __future__ import annotations

import json
from collections import Counter

import sqlalchemy as sa

from warehouse import schema, setup


def run_in_progress(engine: sa.Engine) -> bool:
    """Whether a load holds the warehouse's lock now (without taking it on PostgreSQL; on
    SQLite by trying the write lock for an instant)."""
    from etl.run import LOCK_KEY

    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            return bool(
                conn.execute(
                    sa.text(
                        "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' "
                        "AND granted AND classid = 0 AND objid = :k AND database = "
                        "(SELECT oid FROM pg_database WHERE datname = current_database()))"
                    ),
                    {"k": LOCK_KEY},
                ).scalar()
            )
    raw = engine.raw_connection()
    try:
        driver = raw.driver_connection
        driver.execute("PRAGMA busy_timeout = 0")
        try:
            driver.execute("BEGIN IMMEDIATE")
        except Exception as exc:  # noqa: BLE001 - sqlite3.OperationalError: locked, or read only
            return "locked" in str(exc).lower()
        driver.execute("ROLLBACK")
        return False
    finally:
        raw.close()


def status_report(conn: sa.Connection, runs: int = 5, in_progress: bool = False) -> str:
    """A plain-text report for `python -m etl status`. `in_progress`: whether a load holds
    the lock now (a run logged as running is otherwise one that was killed)."""
    setup.check_schema(conn)
    lines = []
    run = schema.etl_run
    last = conn.execute(
        sa.select(run).where(run.c.status == "success").order_by(run.c.run_id.desc()).limit(1)
    ).first()
    if last is None:
        lines.append("Data as of: no successful load yet")
    else:
        lines.append(
            f"Data as of: platform high-water mark {_ts(last.platform_high_water)}, "
            f"loaded {_ts(last.finished_at)} (run {last.run_id})"
        )
    lines.append(f"Data version: {setup.data_version(conn)}")
    lines.append("")
    lines.append("Last runs:")
    lines.append(
        f"  {'run':>4}  {'started (UTC)':19}  {'status':11}  {'seconds':>8}  "
        f"{'extracted':>10}  {'loaded':>10}  {'rejected':>8}"
    )
    recent = conn.execute(sa.select(run).order_by(run.c.run_id.desc()).limit(runs)).all()
    latest_running = conn.execute(
        sa.select(sa.func.max(run.c.run_id)).where(run.c.status == "running")
    ).scalar()
    for r in recent:
        status = r.status
        if status == "running" and not (in_progress and r.run_id == latest_running):
            status = "interrupted"  # killed before it finished: nothing of it was kept
        lines.append(
            f"  {r.run_id:>4}  {_ts(r.started_at):19}  {status:11}  "
            f"{(r.seconds or 0):>8.1f}  {(r.rows_extracted or 0):>10,}  "
            f"{(r.rows_loaded or 0):>10,}  {(r.rows_rejected or 0):>8,}"
        )
        if r.error:
            lines.append(f"        error: {r.error}")
    if not recent:
        lines.append("  (none)")
    unfinished = conn.execute(
        sa.select(sa.func.count()).where(run.c.status.in_(["running", "interrupted"]))
    ).scalar()
    if in_progress:
        unfinished -= 1
        lines.append("  A load is in progress now.")
    if unfinished:
        lines.append(
            f"  Unfinished runs: {unfinished:,} interrupted (stopped before they finished: "
            "nothing of them was kept)"
        )
    lines.append("")
    lines.append("Rows:")
    for table in (*schema.CORE_TABLES, schema.person_vax, schema.person_wait, *schema.MART_TABLES):
        count = conn.execute(sa.select(sa.func.count()).select_from(table)).scalar()
        lines.append(f"  {table.name:24} {count:>12,}")
    lines.append("")
    rej = schema.etl_reject
    open_rejects = conn.execute(
        sa.select(rej.c.source_table, rej.c.reason, sa.func.count())
        .where(rej.c.resolved_run_id.is_(None))
        .group_by(rej.c.source_table, rej.c.reason)
    ).all()
    # Reasons quote the offending value ("unknown facility_id 'F9'"): count by kind of reason.
    kinds: Counter[tuple[str, str]] = Counter()
    for table, reason, n in open_rejects:
        kinds[(table, reason.split(" '")[0].split(", got")[0])] += n
    lines.append(f"Open rejects: {sum(kinds.values()):,} (rows kept in table etl_reject)")
    for (table, kind), n in sorted(kinds.items(), key=lambda kv: (kv[0][0], -kv[1])):
        lines.append(f"  {table:18} {n:>8,}  {kind}")
    if last is not None and last.details:
        steps = json.loads(last.details).get("steps", {})
        if steps:
            lines.append("")
            lines.append(
                "Last load steps: " + ", ".join(f"{k} {v:.1f} s" for k, v in steps.items())
            )
    return "\n".join(lines)


def _ts(value) -> str:
    if value is None:
        return "-"
    return str(value)[:19].replace("T", " ")
