"""`python -m etl watch`: scheduled loads that keep going through an unreachable warehouse
and stop cleanly on SIGTERM, leaving the previous state when stopped part way. Both dialects."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from conftest import PG_ADMIN_URL, ROOT
from platform_builder import create_platform, tiny_platform_rows
from test_etl import ENV, later_changes, load, scalar
from warehouse_snapshot import assert_same, snapshot

from etl.run import run_load
from etl.watch import MAX_BACKOFF, next_delay
from queries.freshness import loader_status
from warehouse import engine as wh_engine
from warehouse import setup


class Watcher:
    """`etl watch` in a subprocess, its log lines collected by a thread."""

    def __init__(self, platform: str, warehouse: str, every: float, env: dict | None = None):
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "etl", "watch", "--every", str(every)]
            + ["--platform-url", platform, "--warehouse-url", warehouse],
            cwd=ROOT,
            env=env or ENV,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: list[str] = []
        self._new = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.proc.stderr:
            with self._new:
                self.lines.append(line)
                self._new.notify_all()

    def wait_for(self, text: str, count: int = 1, timeout: float = 120) -> None:
        with self._new:
            found = self._new.wait_for(
                lambda: sum(text in line for line in self.lines) >= count, timeout
            )
        assert found, f"no {count} x {text!r} in the log:\n{''.join(self.lines)}"

    def stop(self) -> int:
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=60)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()


def _unavailable_warehouse(dbs, tmp_path: Path) -> tuple[str, Callable[[], None]]:
    """A warehouse URL that cannot be reached yet, and what makes it reachable."""
    if dbs.dialect == "sqlite":
        path = tmp_path / "warehouse.db"
        path.mkdir()  # a directory where the database file should be: cannot be opened
        return f"sqlite:///{path}", path.rmdir
    url = dbs.new_url("wh")  # created (and dropped after the test) by the fixture ...
    name = sa.make_url(url).database
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")

    def sql(statement: str) -> None:
        with admin.connect() as conn:
            conn.exec_driver_sql(statement)

    sql(f'DROP DATABASE "{name}"')  # ... but missing for now: the server refuses connections
    return url, lambda: sql(f'CREATE DATABASE "{name}"')


def test_watch_keeps_going_while_the_warehouse_is_unreachable_and_loads_when_it_is_back(
    dbs, tmp_path
):
    platform = dbs.new_url("platform")
    create_platform(platform, tiny_platform_rows())
    warehouse, bring_back = _unavailable_warehouse(dbs, tmp_path)
    watcher = Watcher(platform, warehouse, every=0.5)
    try:
        # One clear line per failed attempt, waiting longer after each.
        watcher.wait_for("load failed", count=2)
        failures = [line for line in watcher.lines if "load failed" in line]
        assert "(1 in a row), next try in 1 s" in failures[0]
        assert "(2 in a row), next try in 2 s" in failures[1]
        assert "warehouse" in failures[0]
        assert all(len(line.strip().splitlines()) == 1 for line in failures)
        bring_back()
        watcher.wait_for("finished in")
        watcher.wait_for("finished in", count=2)  # and on schedule after that
    finally:
        status = watcher.stop()
    assert status == 0, "".join(watcher.lines)
    assert "stopped" in watcher.lines[-1]
    assert scalar(warehouse, "SELECT COUNT(*) FROM visit") > 0
    assert scalar(warehouse, "SELECT COUNT(*) FROM etl_run WHERE status = 'success'") >= 2
    # What the dashboard's freshness line reads: alive now, stalled after three intervals
    # (at least five minutes) without a successful load.
    engine = wh_engine.make_engine(warehouse, create_dir=False)
    with engine.connect() as conn:
        loader = loader_status(conn)
    engine.dispose()
    assert loader.every_seconds == 0.5
    assert loader.failures_since_success == 0
    assert not loader.is_stalled(datetime.now(UTC))
    assert loader.is_stalled(loader.last_finished_at + timedelta(seconds=301))


def test_sigterm_during_a_load_leaves_the_previous_state(dbs):
    platform = dbs.new_url("platform")
    create_platform(platform, tiny_platform_rows())
    warehouse = dbs.new_url("wh")
    load(platform, warehouse)
    before = snapshot(warehouse)
    later_changes(platform)
    watcher = Watcher(platform, warehouse, every=60, env={**ENV, "VAX_ETL_PAUSE_AT": "marts"})
    try:
        watcher.wait_for("paused at marts")
    finally:
        status = watcher.stop()
    assert status == 0, "".join(watcher.lines)
    assert "rolled back" in watcher.lines[-1]
    assert_same(before, snapshot(warehouse))
    load(platform, warehouse)  # the next load takes the change whole
    assert scalar(warehouse, "SELECT status FROM visit WHERE visit_id = 'V01'") == "voided"


@pytest.mark.parametrize(
    ("every", "failures", "delay"),
    [(60, 0, 60), (60, 1, 120), (60, 3, 480), (60, 10, MAX_BACKOFF), (3600, 2, 3600)],
)
def test_retries_back_off_to_a_ceiling(every, failures, delay):
    assert next_delay(every, failures) == delay


def test_watch_keeps_going_while_the_platform_is_unreachable_and_loads_when_it_is_back(
    dbs, tmp_path
):
    platform = f"sqlite:///{tmp_path / 'not-yet' / 'platform.db'}"  # no such file yet
    warehouse = dbs.new_url("wh")
    watcher = Watcher(platform, warehouse, every=0.5)
    try:
        watcher.wait_for("load failed", count=2)
        failures = [line for line in watcher.lines if "load failed" in line]
        assert "(1 in a row), next try in 1 s" in failures[0]
        assert all(len(line.strip().splitlines()) == 1 for line in failures)
        (tmp_path / "not-yet").mkdir()
        create_platform(platform, tiny_platform_rows())
        watcher.wait_for("finished in")
    finally:
        status = watcher.stop()
    assert status == 0, "".join(watcher.lines)
    assert scalar(warehouse, "SELECT COUNT(*) FROM visit") > 0


def test_quiet_runs_leave_one_row_in_the_run_log(dbs, monkeypatch):
    """Runs that find nothing new collapse into the last of them (with their count), so a
    loader polling all night does not grow the log; a run with changes starts a new row."""
    monkeypatch.setenv("VAX_PSEUDONYM_KEY", "test-key")
    platform, warehouse = dbs.new_url("platform"), dbs.new_url("warehouse")
    create_platform(platform, tiny_platform_rows())

    def runs() -> list[tuple]:
        engine = wh_engine.make_engine(warehouse, create_dir=False)
        with engine.connect() as conn:
            rows = conn.execute(
                sa.text("SELECT run_id, status, rows_loaded, details FROM etl_run ORDER BY run_id")
            ).all()
        engine.dispose()
        out = []
        for run_id, status, loaded, details in rows:
            d = json.loads(details)
            out.append((run_id, status, loaded > 0, d.get("quiet_runs")))
        return out

    quiet = lambda: run_load(platform, warehouse, progress=lambda m: None)  # noqa: E731
    quiet()  # the first load
    for _ in range(3):
        quiet()
    first, last_quiet = runs()
    assert first[2] and first[3] is None  # the first load loaded rows
    assert last_quiet[0] == 4 and last_quiet[3] == 3  # runs 2 and 3 folded into run 4
    later_changes(platform)
    quiet()
    quiet()
    got = runs()
    assert [r[0] for r in got] == [1, 4, 5, 6]
    assert got[2][2] and got[2][3] is None  # the changes: a row of their own
    assert got[3][3] == 1  # a new quiet stretch after them


def test_a_load_rewrites_the_reference_dimensions_only_when_they_changed(dbs, monkeypatch):
    """Estimating every group's population takes seconds: a load with nothing new skips it,
    unless the reference files (or the code estimating from them) changed, or the area table
    is empty."""
    monkeypatch.setenv("VAX_PSEUDONYM_KEY", "test-key")
    platform, warehouse = dbs.new_url("platform"), dbs.new_url("warehouse")
    create_platform(platform, tiny_platform_rows())
    run_load(platform, warehouse, progress=lambda m: None)
    engine = wh_engine.make_engine(warehouse, create_dir=False)
    with engine.begin() as conn:
        population = conn.execute(sa.text("SELECT COUNT(*) FROM population")).scalar()
        assert population > 0
        assert not setup.refresh_reference(conn)  # the same files and code
        conn.execute(
            sa.text("UPDATE warehouse_meta SET value = 'older' WHERE key = :k"),
            {"k": setup.REFERENCE_KEY},
        )
        assert setup.refresh_reference(conn)  # written from other files: rewritten
        assert conn.execute(sa.text("SELECT COUNT(*) FROM population")).scalar() == population
        conn.execute(sa.text("DELETE FROM area"))
        assert setup.refresh_reference(conn)  # emptied: rewritten
        assert conn.execute(sa.text("SELECT COUNT(*) FROM area")).scalar() > 0
    engine.dispose()
